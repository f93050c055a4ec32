/** /api/v1/mqtt/dead-letters — MQTT messages Andon could not take, newest first, with why. */
import { Router } from 'express';
import type { Db } from '../../db/index.js';
import { listDeadLetters } from '../../db/mqtt-dead-letters.js';
import { deadLettersQuery } from '../../domain/contracts/mqtt.js';
import { requireRole } from '../auth.js';
import { parse } from '../problem.js';

export function mqttRoutes({ db }: { db: Db }): Router {
  const r = Router();
  r.get('/mqtt/dead-letters', requireRole('supervisor'), async (req, res) => {
    const q = parse(deadLettersQuery, req.query, 'query');
    res.json(await listDeadLetters(db, q));
  });
  return r;
}
