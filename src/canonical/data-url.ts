// RFC 2397 data URLs, the way OpenAI carries inline images and files (`data:image/png;base64,…`).

export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  if (!url.startsWith('data:')) return null;
  const comma = url.indexOf(',');
  if (comma < 0) return null;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(';base64')) return null;
  const mediaType = meta.slice(0, -7) || 'application/octet-stream';
  return { mediaType, data: url.slice(comma + 1) };
}

export function toDataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}
