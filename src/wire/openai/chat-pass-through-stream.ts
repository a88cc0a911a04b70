/** OpenAI chat streams relayed as they are (see ../pass-through-stream.ts). */
import { isRecord } from '../wire-guards.ts';
import { PassThrough, safeParse } from '../pass-through-stream.ts';
import { usageFromOpenAI } from './chat-response.ts';

const EMPTY_CHOICES = /"choices"\s*:\s*\[\s*\]/;
const CONTENT = /"(?:content|reasoning_content|reasoning|arguments|refusal)"\s*:\s*"[^"]/;
const FINISHED = /"finish_reason"\s*:\s*"/;

export class OpenAIPassThrough extends PassThrough {
  private finishSeen = false;

  constructor(peer: string, private readonly hideUsageChunk: boolean, private readonly failEncoder: (code: string, message: string) => string) {
    super(peer, hideUsageChunk);
  }

  protected onEvent(data: string): void {
    if (data === '[DONE]') {
      this.complete = true;
      if (this.reframe) this.out += 'data: [DONE]\n\n';
      return;
    }
    let hide = false;
    if (!this.isStarted && CONTENT.test(data)) this.isStarted = true;
    if (!this.finishSeen && FINISHED.test(data)) this.finishSeen = true;
    // With include_usage every chunk carries "usage":null; only an object is worth parsing.
    if (hasUsageObject(data) || data.includes('"error"')) {
      const chunk = safeParse(data);
      if (isRecord(chunk) && chunk.error !== undefined && chunk.error !== null) this.errored(chunk);
      else if (isRecord(chunk) && isRecord(chunk.usage)) {
        this.usageSeen = usageFromOpenAI(chunk.usage);
        hide = this.hideUsageChunk && EMPTY_CHOICES.test(data);
      }
    }
    if (this.reframe && !hide) this.out += `data: ${data}\n\n`;
  }

  // Some OpenAI-compatible servers omit [DONE]; a finish_reason already proves the answer is whole.
  protected override wholeWithoutTerminal(): boolean {
    return this.finishSeen;
  }

  protected failBytes(code: string, message: string): string {
    return this.failEncoder(code, message);
  }
}

function hasUsageObject(data: string): boolean {
  let i = data.lastIndexOf('"usage"');
  if (i < 0) return false;
  i += 7;
  while (data.charCodeAt(i) === 32) i++;
  if (data.charCodeAt(i) !== 58) return false; // ':'
  i++;
  while (data.charCodeAt(i) === 32) i++;
  return data.charCodeAt(i) === 123; // '{'
}
