/**
 * The default texts of every message template, per locale: what Andon said before templates were
 * data. Migration 0013 stores them; resetting a template (DELETE) brings its default back.
 */
import type { Locale } from './model.js';
import type { TemplateKey, TemplateText } from './templates.js';

const PARAGRAPH = '\n\n';

export const DEFAULT_TEMPLATES: Record<TemplateKey, Record<Locale, TemplateText>> = {
  'page.mail': {
    en: {
      subject:
        '{{#escalated}}[ESCALATED] {{/escalated}}Andon case #{{caseId}}: {{typeLabel}} ({{type}}) on {{where}}',
      body: [
        'Hello {{recipientName}},',
        'Case #{{caseId}} ({{type}}, {{typeLabel}}, severity {{severity}}) needs you.',
        'What: {{title}}',
        '{{#ask}}Asked: {{ask}}{{/ask}}',
        '{{#slaBreached}}The resolve SLA of this case has been missed: it is escalated to the top level.{{/slaBreached}}',
        '{{#etaMissed}}The ETA the assignee gave has passed and the case is not resolved.{{/etaMissed}}',
        'Where: {{where}}',
        'Since: {{openedAt}}',
        '{{#escalated}}This case was escalated to level {{level}}: the previous level did not acknowledge in time.{{/escalated}}{{^escalated}}You are paged as {{role}}.{{/escalated}}',
        '{{#ackDeadline}}Please acknowledge by {{ackDeadline}}, or it escalates further.{{/ackDeadline}}{{^ackDeadline}}Please acknowledge it.{{/ackDeadline}}',
        '{{#options}}Choices: {{options}}{{/options}}',
        '{{#actionUrl}}Acknowledge, give an ETA, decide or resolve on your phone: {{actionUrl}}{{/actionUrl}}',
        'Open the case: {{caseUrl}}',
      ].join(PARAGRAPH),
    },
    'zh-CN': {
      subject:
        '{{#escalated}}[升级] {{/escalated}}Andon 异常 #{{caseId}}：{{typeLabel}}（{{type}}）— {{where}}',
      body: [
        '{{recipientName}}，您好：',
        '异常单 #{{caseId}}（{{type}}，{{typeLabel}}，严重度 {{severity}}）需要您处理。',
        '内容：{{title}}',
        '{{#ask}}任务：{{ask}}{{/ask}}',
        '{{#slaBreached}}此异常已超过解决时限（SLA），已升级到最高级。{{/slaBreached}}',
        '{{#etaMissed}}负责人给出的预计完成时间已过，异常仍未解决。{{/etaMissed}}',
        '地点：{{where}}',
        '发生时间：{{openedAt}}',
        '{{#escalated}}此异常已升级到第 {{level}} 级，之前的负责人未在时限内确认。{{/escalated}}{{^escalated}}您作为 {{role}} 被指派。{{/escalated}}',
        '{{#ackDeadline}}请在 {{ackDeadline}} 之前确认，否则将继续升级。{{/ackDeadline}}{{^ackDeadline}}请尽快确认。{{/ackDeadline}}',
        '{{#options}}可选决定：{{options}}{{/options}}',
        '{{#actionUrl}}在手机上确认、报告预计完成时间、做出决定或解决：{{actionUrl}}{{/actionUrl}}',
        '查看与处理：{{caseUrl}}',
      ].join(PARAGRAPH),
    },
  },
  'page.sms': {
    en: {
      subject: null,
      body: '{{#escalated}}[ESC] {{/escalated}}Andon #{{caseId}} {{typeLabel}} @{{whereShort}}.{{#askShort}} {{askShort}}{{/askShort}}{{#ackBy}} Ack by {{ackBy}} UTC.{{/ackBy}} Reply A {{caseId}} to acknowledge, R {{caseId}} <text> to resolve.{{#smsOptions}} To decide reply D {{caseId}} <n>: {{smsOptions}}.{{/smsOptions}}{{#actionUrl}} {{actionUrl}}{{/actionUrl}}',
    },
    'zh-CN': {
      subject: null,
      body: '{{#escalated}}[升级]{{/escalated}}Andon #{{caseId}} {{typeLabel}} @{{whereShort}}。{{#askShort}} {{askShort}}{{/askShort}}{{#ackBy}} 请于 {{ackBy}}(UTC) 前确认。{{/ackBy}} 回复 A {{caseId}} 确认，R {{caseId}} <说明> 解决。{{#smsOptions}} 决定请回复 D {{caseId}} <序号>：{{smsOptions}}。{{/smsOptions}}{{#actionUrl}} {{actionUrl}}{{/actionUrl}}',
    },
  },
  'page.chat': {
    en: {
      subject: '{{#escalated}}[ESCALATED] {{/escalated}}Andon #{{caseId}} {{typeLabel}} — {{where}}',
      body: [
        '{{title}}',
        '{{#ask}}Asked: {{ask}}{{/ask}}',
        '{{#slaBreached}}The resolve SLA has been missed.{{/slaBreached}}{{#etaMissed}}The promised ETA has passed.{{/etaMissed}}',
        'Severity: {{severity}} · Where: {{where}} · Since: {{openedAt}}',
        'Paged: {{people}} ({{role}}, level {{level}})',
        '{{#ackDeadline}}Acknowledge by {{ackDeadline}}, or it escalates further.{{/ackDeadline}}',
        '{{#options}}Choices: {{options}}{{/options}}',
      ].join('\n'),
    },
    'zh-CN': {
      subject: '{{#escalated}}[升级] {{/escalated}}Andon #{{caseId}} {{typeLabel}} — {{where}}',
      body: [
        '{{title}}',
        '{{#ask}}任务：{{ask}}{{/ask}}',
        '{{#slaBreached}}已超过解决时限（SLA）。{{/slaBreached}}{{#etaMissed}}承诺的完成时间已过。{{/etaMissed}}',
        '严重度：{{severity}} · 地点：{{where}} · 发生时间：{{openedAt}}',
        '已通知：{{people}}（{{role}}，第 {{level}} 级）',
        '{{#ackDeadline}}请在 {{ackDeadline}} 之前确认，否则将继续升级。{{/ackDeadline}}',
        '{{#options}}可选决定：{{options}}{{/options}}',
      ].join('\n'),
    },
  },
  'fyi.mail': {
    en: {
      subject: '[FYI] Andon case #{{caseId}} {{eventLabel}}',
      body: 'Andon case #{{caseId}} ({{typeLabel}} on {{line}}) {{happened}}{{#text}}: {{text}}{{/text}}{{^text}}.{{/text}} No action is needed from you.\n\n{{caseUrl}}',
    },
    'zh-CN': {
      subject: '[知悉] Andon 异常 #{{caseId}} {{eventLabel}}',
      body: 'Andon 异常 #{{caseId}}（{{typeLabel}}，{{line}}）{{happened}}{{#text}}：{{text}}{{/text}}{{^text}}。{{/text}}您无需再处理。\n\n{{caseUrl}}',
    },
  },
  'fyi.sms': {
    en: {
      subject: null,
      body: 'Andon case #{{caseId}} ({{typeLabel}} on {{line}}) {{happened}}{{#text}}: {{text}}{{/text}}{{^text}}.{{/text}} No action is needed from you.',
    },
    'zh-CN': {
      subject: null,
      body: 'Andon 异常 #{{caseId}}（{{typeLabel}}，{{line}}）{{happened}}{{#text}}：{{text}}{{/text}}{{^text}}。{{/text}}您无需再处理。',
    },
  },
  'fyi.chat': {
    en: {
      subject: 'Andon #{{caseId}} {{eventLabel}}: {{typeLabel}} — {{line}}',
      body: '{{title}}\nCase #{{caseId}} {{happened}}{{#text}}: {{text}}{{/text}}{{^text}}.{{/text}}\nSeverity: {{severity}}',
    },
    'zh-CN': {
      subject: 'Andon #{{caseId}} {{eventLabel}}：{{typeLabel}} — {{line}}',
      body: '{{title}}\n异常单 #{{caseId}} {{happened}}{{#text}}：{{text}}{{/text}}{{^text}}。{{/text}}\n严重度：{{severity}}',
    },
  },
};
