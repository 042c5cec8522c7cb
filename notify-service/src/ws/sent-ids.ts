/**
 * The ids of notifications one socket has been sent, so a notification seen both in a resume
 * and live (or redelivered by Kafka) goes out once. Bounded: the oldest ids are forgotten first,
 * and by then their positions are far behind anything a resume or the live feed still sends.
 */
export class SentIds {
  readonly #ids = new Set<string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    if (this.#ids.has(id)) return;
    this.#ids.add(id);
    if (this.#ids.size > this.#max) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
  }

  get size(): number {
    return this.#ids.size;
  }
}
