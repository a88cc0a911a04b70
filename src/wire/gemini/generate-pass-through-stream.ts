/** Gemini streams relayed as they are, or reframed as the JSON-array stream (see ../pass-through-stream.ts). */
import { isRecord } from '../wire-guards.ts';
import { PassThrough, safeParse } from '../pass-through-stream.ts';
import { usageFromGemini } from './generate-response.ts';
import { GeminiStreamEncoder } from './generate-stream.ts';

export class GeminiPassThrough extends PassThrough {
  private readonly arrayFramer: GeminiStreamEncoder;
  private elements = 0;

  constructor(peer: string, private readonly jsonArray: boolean, requestedModel: string) {
    super(peer, jsonArray);
    this.arrayFramer = new GeminiStreamEncoder(requestedModel, jsonArray);
  }

  protected override onComment(): void {
    // JSON arrays have no comments; keep-alives are simply not re-emitted.
  }

  protected onEvent(data: string): void {
    const chunk = safeParse(data);
    if (!isRecord(chunk)) {
      this.errored({ error: { message: 'unreadable stream chunk' } });
      return;
    }
    if (chunk.error !== undefined) this.errored(chunk);
    else {
      if (isRecord(chunk.usageMetadata)) this.usageSeen = usageFromGemini(chunk.usageMetadata);
      const cand = Array.isArray(chunk.candidates) && isRecord(chunk.candidates[0]) ? chunk.candidates[0] : null;
      if (cand && isRecord(cand.content) && Array.isArray(cand.content.parts) && cand.content.parts.length) this.isStarted = true;
      if (cand && cand.finishReason !== undefined && cand.finishReason !== null) this.complete = true;
      if (!cand && isRecord(chunk.promptFeedback) && chunk.promptFeedback.blockReason !== undefined) this.complete = true;
    }
    if (this.jsonArray) this.out += (this.elements++ === 0 ? '[' : ',\r\n') + data;
  }

  protected override closing(): string {
    if (!this.jsonArray) return '';
    return this.elements === 0 ? '[]' : ']';
  }

  override fail(code: string, message: string): string {
    if (this.upstreamError) return this.jsonArray ? (this.elements === 0 ? '[]' : ']') : '';
    return this.failBytes(code, message);
  }

  protected failBytes(code: string, message: string): string {
    const bytes = this.arrayFramer.fail(code, message);
    // The framer opens the array itself only if it has not emitted anything; account for ours.
    return this.jsonArray && this.elements > 0 ? ',\r\n' + bytes.replace(/^\[/, '') : bytes;
  }
}
