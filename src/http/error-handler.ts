/** @module The one place that maps errors to HTTP answers; clients never see internals. */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../lib/logger.js';

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: { status?: number; type?: string }, req, res, _next) => {
    // body-parser errors carry a 4xx status: the request was wrong, not us.
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err, path: req.path }, 'request failed');
    else logger.warn({ path: req.path, status, type: err.type }, 'bad request');
    const text = status === 413 ? 'Request too large' : status === 500 ? 'Something went wrong' : 'Bad request';
    res.status(status).type('text/plain').send(text);
  };
}
