import type { SqlQueryable } from '@taskflow/platform/sql';
import type { Producer } from 'kafkajs';
import type { DeadLetter, DeadLetterSink } from './port.ts';

/**
 * A dead-letter topic: one message per letter, keyed like the original, the reason both in a
 * header (for quick triage) and in the JSON value (with the original payload, for replay).
 */
export function kafkaDeadLetterSink(producer: Producer, topic: string): DeadLetterSink {
  return {
    async publish(letter) {
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: letter.key,
            value: JSON.stringify({ ...letter, deadLetteredAt: new Date().toISOString() }),
            headers: { 'dlq-reason': headerSafe(letter.reason), 'dlq-source': headerSafe(letter.source) },
          },
        ],
      });
    },
  };
}

/** The embedded mode's dead letters: rows in notify.dead_letters. */
export function sqlDeadLetterSink(sql: SqlQueryable): DeadLetterSink {
  return {
    async publish(letter: DeadLetter) {
      await sql.query(
        `INSERT INTO notify.dead_letters (source, reason, key, payload, details) VALUES ($1, $2, $3, $4, $5::jsonb)`,
        [letter.source, letter.reason, letter.key, letter.payload, JSON.stringify(letter.details ?? {})],
      );
    },
  };
}

function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 1000);
}
