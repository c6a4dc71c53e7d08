/**
 * A request/reply operation on the bus: its subject and, as phantom types, what it takes and answers.
 * Services send and serve only through these descriptors, so a subject string is written once.
 */
export interface RpcContract<Request, Reply> {
  readonly subject: string;
  /** Never set: carries the request type for inference. */
  readonly request?: Request;
  /** Never set: carries the reply type for inference. */
  readonly reply?: Reply;
}

export function rpc<Request, Reply>(subject: string): RpcContract<Request, Reply> {
  return { subject };
}

/** An event published on a JetStream stream or plain NATS subject. */
export interface EventContract<Payload> {
  readonly subject: string;
  readonly payload?: Payload;
}

export function event<Payload>(subject: string): EventContract<Payload> {
  return { subject };
}

export type RequestOf<C> = C extends RpcContract<infer R, unknown> ? R : never;
export type ReplyOf<C> = C extends RpcContract<unknown, infer R> ? R : never;
export type PayloadOf<C> = C extends EventContract<infer P> ? P : never;
