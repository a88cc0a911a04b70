import type { StreamEvent, Usage } from './chat.types.ts';

/** Turns one provider family's SSE events into canonical stream events. */
export interface StreamDecoder {
  /** One SSE event of the upstream stream (data already joined, `name` 'message' when unnamed). */
  event(data: string, name: string, emit: (e: StreamEvent) => void): void;
  /** The upstream body ended. Emits the final `finish`, or throws GatewayError('upstream_error')
   *  when the stream stopped before its terminal event. */
  end(emit: (e: StreamEvent) => void): void;
  usage(): Usage;
}

/** Turns canonical stream events into one surface's wire bytes. */
export interface StreamEncoder {
  encode(e: StreamEvent): string;
  /** An error event in the surface's stream format. */
  fail(code: string, message: string): string;
}
