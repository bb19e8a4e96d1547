/** @module GET /healthz (the process answers) and GET /readyz (the database answers and recovery is done). */
import { Router } from 'express';
import { databaseAnswers, type Db } from '../store/db.js';

export function healthRoutes(db: Db, isReady: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const dbOk = databaseAnswers(db);
    const ready = dbOk && isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database: dbOk ? 'ok' : 'unavailable' });
  });
  return router;
}
