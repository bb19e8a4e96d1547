/** @module The offerline command line: simulate, chat, explain, content-check, content phrasings, staff, contacts, campaigns, contact, retention, report, backup, restore. */
import { chat } from './chat.js';
import { contentCheck } from './content-check.js';
import { contentPhrasings } from './content-phrasings.js';
import { explain } from './explain.js';
import { simulate } from './simulate.js';
import { staffCommand } from './staff.js';
import { contactsCommand } from './contacts.js';
import { campaignsCommand } from './campaigns.js';
import { contactCommand } from './contact.js';
import { retentionCommand } from './retention.js';
import { reportCommand } from './report.js';
import { backupCommand, restoreCommand } from './backup.js';

const USAGE = `usage: npm run --silent cli -- <command>
  simulate [--db PATH] [--now ISO-8601]   JSON lines on stdin, one JSON answer per line on stdout
  chat [--from +44...] [--channel sms|whatsapp] [--db PATH]   talk to the assistant in the terminal
  explain "text"                          how a message is read: risk, command, intent scores
  content-check                           validate content/ and intents/ (also: npm run content:check)
  content phrasings [--write]             what managers added from the dashboard; --write puts phrasings into intents/
  staff password EMAIL                    set a console password (typed on stdin, or a random one is printed)
  contacts import FILE [--skip-invalid]   load the care leavers register from a CSV export
  campaigns dry-run [--from D] [--to D]   who would get a birthday follow-up, and when (sends nothing)
  contact export PHONE | erase PHONE      subject access (JSON) or erasure of everything held about a number
  retention [--dry-run]                   delete (or list) data older than the periods kept
  report --from DATE --to DATE [--out D]  insights figures for the offer's owners, as JSON
  backup DIR                              an online, consistent copy of the database into DIR, named by the UTC time
  restore FILE [--force]                  put a backup in place of the database (service stopped; the old file is kept aside)`;

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'simulate':
      return simulate(args);
    case 'chat':
      return chat(args);
    case 'explain':
      return explain(args);
    case 'content-check':
      return contentCheck();
    case 'content':
      if (args[0] === 'phrasings') return contentPhrasings(args.slice(1));
      process.stderr.write(`${USAGE}\n`);
      return 64;
    case 'staff':
      return staffCommand(args);
    case 'contacts':
      return contactsCommand(args);
    case 'campaigns':
      return campaignsCommand(args);
    case 'contact':
      return contactCommand(args);
    case 'retention':
      return retentionCommand(args);
    case 'report':
      return reportCommand(args);
    case 'backup':
      return backupCommand(args);
    case 'restore':
      return restoreCommand(args);
    default:
      process.stderr.write(`${USAGE}\n`);
      return command ? 64 : 0;
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
