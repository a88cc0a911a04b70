/** `models/x`, `x` and `tunedModels/x` slugs all name a resource path (in the URL and in embed requests). */
export function geminiModelPath(slug: string): string {
  const path = /^(models|tunedModels)\//.test(slug) ? slug : `models/${slug}`;
  return path.split('/').map(encodeURIComponent).join('/');
}
