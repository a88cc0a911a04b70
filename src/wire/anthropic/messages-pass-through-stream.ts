/** Anthropic Messages streams relayed as they are (see ../pass-through-stream.ts). */
import { isRecord } from '../wire-guards.ts';
import { PassThrough, safeParse } from '../pass-through-stream.ts';
import { usageFromAnthropic } from './messages-response.ts';

export class AnthropicPassThrough extends PassThrough {
  constructor(peer: string, private readonly failEncoder: (code: string, message: string) => string) {
    super(peer, false);
  }

  protected onEvent(data: string, name: string): void {
    switch (name) {
      case 'content_block_delta':
      case 'content_block_start':
        if (!this.isStarted && name === 'content_block_delta') this.isStarted = true;
        return;
      case 'message_start': {
        const ev = safeParse(data);
        if (isRecord(ev) && isRecord(ev.message)) this.usageSeen = usageFromAnthropic(ev.message.usage);
        return;
      }
      case 'message_delta': {
        const ev = safeParse(data);
        if (isRecord(ev)) this.usageSeen = usageFromAnthropic(ev.usage, this.usageSeen);
        return;
      }
      case 'message_stop':
        this.complete = true;
        return;
      case 'error':
        this.errored(safeParse(data));
        return;
      default:
        return;
    }
  }

  protected failBytes(code: string, message: string): string {
    return this.failEncoder(code, message);
  }
}
