/** The activities the webhook delivery workflow calls (types only: the workflow imports them as types). */

export interface WebhookPair {
  endpointId: number;
  caseId: number;
}

export interface DeliverOutcome {
  /** `delivered`: the receiver answered 2xx; `skipped`: nothing to send (already sent, or gone). */
  outcome: 'delivered' | 'skipped';
  status: number | null;
}

export interface WebhookActivities {
  /** The oldest delivery waiting for this endpoint and case, or null. */
  nextWebhookDelivery(input: WebhookPair): Promise<number | null>;
  /** One signed POST; throws (retryable) unless the receiver answered 2xx. */
  deliverWebhook(input: { deliveryId: number }): Promise<DeliverOutcome>;
  /** Gives a delivery up after its retries ran out. */
  giveUpWebhookDelivery(input: { deliveryId: number; reason: string }): Promise<void>;
}
