import type { NextFunction, Request, Response } from 'express';
import { MetricsRegistry } from '../health/metrics.registry';

/** Counts requests and times them by route template (not raw path, to keep label cardinality bounded). */
export function requestMetrics(metrics: MetricsRegistry) {
  const duration = metrics.histogram('http_request_duration_seconds', 'HTTP request latency', [
    'method',
    'route',
    'status',
  ]);
  const total = metrics.counter('http_requests_total', 'HTTP requests', ['method', 'route', 'status']);
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const labels = { method: request.method, route: String(route), status: String(response.statusCode) };
      total.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
