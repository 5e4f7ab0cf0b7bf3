import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Option, type Command } from 'commander';
import {
  DEFAULT_SENTIMENT_MODEL,
  SENTIMENT_MODELS,
  createSentimentScorer,
} from '../../../collectors/social/sentiment/index.ts';
import type { SentimentModel } from '../../../collectors/social/sentiment/index.ts';

export function registerSentiment(program: Command): void {
  program
    .command('sentiment [file]')
    .summary('score text lines or JSONL {id, text} for sentiment; prints JSONL')
    .description(
      'score text for sentiment: plain text lines, or JSONL lines with "id" and "text", from FILE or stdin;\n' +
        'prints one JSON line {id, score, label} per input line (id = line number for plain text)',
    )
    .addOption(
      new Option('--model <model>', 'lexicon, learned (trained model) or blend of the two')
        .choices([...SENTIMENT_MODELS])
        .default(DEFAULT_SENTIMENT_MODEL),
    )
    .action(async (file: string | undefined, opts: { model: SentimentModel }) => {
      const scorer = createSentimentScorer({ model: opts.model });
      const input = file ? createReadStream(file, 'utf8') : process.stdin;
      const rl = createInterface({ input, crlfDelay: Infinity });
      let n = 0;
      let bad = 0;
      for await (const line of rl) {
        n++;
        if (line.trim() === '') continue;
        let id: unknown = n;
        let text: unknown = line;
        if (line.trimStart().startsWith('{')) {
          try {
            const j = JSON.parse(line) as { id?: unknown; text?: unknown };
            id = j.id ?? n;
            text = j.text;
          } catch {
            text = undefined;
          }
          if (typeof text !== 'string') {
            bad++;
            process.stderr.write(`line ${n}: not a JSON object with a string "text"; skipped\n`);
            continue;
          }
        }
        const r = scorer.score(text as string);
        process.stdout.write(
          `${JSON.stringify({ id, score: Math.round(r.score * 1e4) / 1e4, label: r.label })}\n`,
        );
      }
      if (bad) process.stderr.write(`${bad} line(s) skipped\n`);
    });
}
