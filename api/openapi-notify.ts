/** Notification configuration (/api/v1, admin keys) for the OpenAPI document: group channels, subscriptions, templates. */
import {
  groupChannelBody,
  groupChannelParams,
  groupChannelTestResponse,
  groupChannelUpdate,
  previewBody,
  subscriptionBody,
  subscriptionParams,
  templateBody,
  templateParams,
} from '../domain/contracts/notify.js';
import {
  groupChannelResponse,
  groupChannelsResponse,
  messageTemplateResponse,
  messageTemplatesResponse,
  subscriptionResponse,
  subscriptionsResponse,
  templatePreviewResponse,
} from '../domain/contracts/responses.js';
import type { Answer, Operation } from './openapi-types.js';

const V1 = '/api/v1';
const notFound: Answer = { description: 'no such record' };

const admin = (o: Omit<Operation, 'auth' | 'roles' | 'tag'>): Operation => ({
  ...o,
  auth: 'bearer',
  roles: 'admin',
  tag: 'notifications',
});

export const NOTIFY_OPERATIONS: readonly Operation[] = [
  admin({
    method: 'get',
    path: `${V1}/group-channels`,
    summary: 'Group channels (chat robots), webhook URLs masked',
    responses: { '200': { description: 'group channels', json: groupChannelsResponse } },
  }),
  admin({
    method: 'post',
    path: `${V1}/group-channels`,
    summary:
      'Add a group channel: a DingTalk, WeCom or Feishu robot, a Slack incoming webhook or a Teams workflow webhook (URL and secret are never shown again)',
    body: groupChannelBody,
    responses: {
      '201': { description: 'the channel', json: groupChannelResponse },
      '409': { description: 'a channel of this name exists' },
    },
  }),
  admin({
    method: 'get',
    path: `${V1}/group-channels/:id`,
    summary: 'One group channel',
    params: groupChannelParams,
    responses: { '200': { description: 'the channel', json: groupChannelResponse }, '404': notFound },
  }),
  admin({
    method: 'post',
    path: `${V1}/group-channels/:id/test`,
    summary:
      'Send a test message to a group channel now (in its language, not retried); answers whether the provider accepted it and, if not, what it said',
    params: groupChannelParams,
    responses: {
      '200': { description: 'what the provider answered', json: groupChannelTestResponse },
      '404': notFound,
      '409': { description: 'the stored URL cannot be decrypted (the secrets key changed)' },
    },
  }),
  admin({
    method: 'put',
    path: `${V1}/group-channels/:id`,
    summary: 'Replace a group channel (a webhook URL or secret left out stays as stored)',
    params: groupChannelParams,
    body: groupChannelUpdate,
    responses: {
      '200': { description: 'the channel', json: groupChannelResponse },
      '404': notFound,
      '409': { description: 'a channel of this name exists' },
    },
  }),
  admin({
    method: 'delete',
    path: `${V1}/group-channels/:id`,
    summary: 'Remove a group channel (and the subscriptions that post to it)',
    params: groupChannelParams,
    responses: { '204': { description: 'removed' }, '404': notFound },
  }),
  admin({
    method: 'get',
    path: `${V1}/subscriptions`,
    summary: 'Stakeholder subscriptions',
    responses: { '200': { description: 'subscriptions', json: subscriptionsResponse } },
  }),
  admin({
    method: 'post',
    path: `${V1}/subscriptions`,
    summary: 'Subscribe a person, a role (on a line) or a group channel to events of cases',
    body: subscriptionBody,
    responses: { '201': { description: 'the subscription', json: subscriptionResponse } },
  }),
  admin({
    method: 'get',
    path: `${V1}/subscriptions/:id`,
    summary: 'One subscription',
    params: subscriptionParams,
    responses: { '200': { description: 'the subscription', json: subscriptionResponse }, '404': notFound },
  }),
  admin({
    method: 'put',
    path: `${V1}/subscriptions/:id`,
    summary: 'Replace a subscription',
    params: subscriptionParams,
    body: subscriptionBody,
    responses: { '200': { description: 'the subscription', json: subscriptionResponse }, '404': notFound },
  }),
  admin({
    method: 'delete',
    path: `${V1}/subscriptions/:id`,
    summary: 'Remove a subscription',
    params: subscriptionParams,
    responses: { '204': { description: 'removed' }, '404': notFound },
  }),
  admin({
    method: 'get',
    path: `${V1}/message-templates`,
    summary: 'Every message template, per locale',
    responses: { '200': { description: 'templates', json: messageTemplatesResponse } },
  }),
  admin({
    method: 'get',
    path: `${V1}/message-templates/:key/:locale`,
    summary: 'One message template',
    params: templateParams,
    responses: { '200': { description: 'the template', json: messageTemplateResponse } },
  }),
  admin({
    method: 'put',
    path: `${V1}/message-templates/:key/:locale`,
    summary: 'Replace a message template (unknown placeholders are refused, naming the field)',
    params: templateParams,
    body: templateBody,
    responses: { '200': { description: 'the template', json: messageTemplateResponse } },
  }),
  admin({
    method: 'delete',
    path: `${V1}/message-templates/:key/:locale`,
    summary: 'Bring back the default text of a message template',
    params: templateParams,
    responses: { '200': { description: 'the template', json: messageTemplateResponse } },
  }),
  admin({
    method: 'post',
    path: `${V1}/message-templates/:key/:locale/preview`,
    summary: 'Render a template (stored, or a draft in the body) for a case',
    params: templateParams,
    body: previewBody,
    responses: { '200': { description: 'the rendered message', json: templatePreviewResponse } },
  }),
];
