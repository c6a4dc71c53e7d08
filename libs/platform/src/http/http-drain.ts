import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface HttpDrainOptions {
  /** Seconds to keep answering after shutdown starts, while /readyz says 503. */
  delaySeconds: number;
  /** Seconds in-flight requests get after the listener closes, before their connections are cut. */
  graceSeconds: number;
  /** Idle keep-alive lifetime; longer than a load balancer's own, so the balancer always closes first. */
  keepAliveTimeoutSeconds: number;
}

/**
 * Shuts an HTTP server down without failing a request, for replicas behind a Kubernetes Service or
 * an Ingress. Endpoints learn that a pod is terminating only after it got SIGTERM, so the server
 * first keeps answering (readiness failing) for `delaySeconds`; then it stops listening, lets
 * in-flight requests finish, and closes each keep-alive connection after its current response
 * (`Connection: close`) instead of under a client that is about to reuse it.
 */
export class HttpDrain {
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private idle?: () => void;

  constructor(private readonly options: HttpDrainOptions) {}

  get isDraining(): boolean {
    return this.draining;
  }

  attach(server: Server): void {
    server.keepAliveTimeout = this.options.keepAliveTimeoutSeconds * 1000;
    // Node answers 408 when headers take longer than this; it must outlast the keep-alive wait.
    server.headersTimeout = server.keepAliveTimeout + 1000;
    server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.inFlight.add(response);
      if (this.draining) response.setHeader('Connection', 'close');
      response.once('close', () => {
        this.inFlight.delete(response);
        if (this.inFlight.size === 0) this.idle?.();
      });
    });
  }

  /** Resolves once the server has stopped listening and no request is left (or the grace ran out). */
  async drain(server: Server): Promise<{ cut: number }> {
    this.draining = true;
    for (const response of this.inFlight) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    await new Promise((resolve) => setTimeout(resolve, this.options.delaySeconds * 1000));
    server.close();
    server.closeIdleConnections();
    const finished = await this.whenIdle(this.options.graceSeconds * 1000);
    const cut = this.inFlight.size;
    // Responses whose headers went out before the drain kept their connection open.
    if (finished) server.closeIdleConnections();
    else server.closeAllConnections();
    return { cut };
  }

  private whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}
