/** The bench's baseline: a bare Express 5 endpoint that parses the same form and returns empty TwiML. */
import express from 'express';

const app = express();
app.post('/webhooks/twilio/messages', express.urlencoded({ extended: false }), (_req, res) => {
  res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
