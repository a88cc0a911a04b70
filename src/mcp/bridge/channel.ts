import type { RpcMessage } from '../jsonrpc.ts';

/**
 * A message pipe to an upstream that does not speak streamable HTTP itself: a STDIO child
 * process or a legacy HTTP+SSE server. The bridge (mux.ts) turns it into streamable HTTP.
 */
export interface Channel {
  /** Resolves once messages can be sent; rejects with a GatewayError. */
  start(): Promise<void>;
  send(msg: RpcMessage): Promise<void>;
  /** Stops the upstream side; resolves when it is gone. */
  close(): Promise<void>;
  /** Set before start(). */
  onmessage: (msg: RpcMessage) => void;
  /** Called once when the channel ends for any reason other than close(). */
  onclose: (reason: string) => void;
}
