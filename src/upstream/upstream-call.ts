/** One HTTP request to a provider, fully built (src/gateway/translate.ts) and sent by client.ts. */
export interface UpstreamCall {
  method: 'POST' | 'GET'; // GET: the provider-key test lists models
  url: string;              // absolute URL
  headers: Record<string, string>; // includes the provider's auth header and content-type
  body: string;
  /** Whether the upstream answers with a stream (SSE or Gemini JSON array). */
  stream: boolean;
}
