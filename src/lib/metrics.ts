/** @module Prometheus metrics (prom-client) on a registry of the service's own, served at /metrics behind a token. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({ name: 'offerline_messages_in_total', help: 'Messages received from young people', labelNames: ['channel'], registers: [this.registry] });
  readonly messagesOut = new Counter({ name: 'offerline_messages_out_total', help: 'Messages handed to the provider', labelNames: ['channel'], registers: [this.registry] });
  readonly sendFailures = new Counter({ name: 'offerline_send_failures_total', help: 'Sends refused or failed, by provider code', labelNames: ['code', 'final'], registers: [this.registry] });
  readonly handoffs = new Counter({ name: 'offerline_handoffs_total', help: 'Handoffs to a person, by level', labelNames: ['level'], registers: [this.registry] });
  readonly turnSeconds = new Histogram({
    name: 'offerline_turn_seconds', help: 'Time to understand, decide and commit one message',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });
  readonly timeToClaimSeconds = new Histogram({
    name: 'offerline_time_to_claim_seconds', help: 'From handoff to a member of staff claiming it', labelNames: ['level'],
    buckets: [30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600], registers: [this.registry],
  });

  constructor(collectProcess = true) {
    if (collectProcess) collectDefaultMetrics({ register: this.registry, prefix: 'offerline_' });
  }
}
