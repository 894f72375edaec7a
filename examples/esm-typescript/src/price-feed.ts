import { EventEmitter } from 'node:events';

export interface Quote {
  symbol: string;
  price: number;
}

/** Polls a quote source every `intervalMs` and emits each quote as `quote`, until `stop()`. */
export class PriceFeed extends EventEmitter<{ quote: [Quote] }> {
  private timer: NodeJS.Timeout | undefined;
  private next = 0;

  constructor(
    private readonly quotes: readonly Quote[],
    private readonly intervalMs = 1000,
  ) {
    super();
  }

  start(): this {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const quote = this.quotes[this.next++ % this.quotes.length];
    if (quote) this.emit('quote', quote);
  }
}

/** `ACME 101.50`. */
export function formatQuote({ symbol, price }: Quote): string {
  return `${symbol} ${price.toFixed(2)}`;
}
