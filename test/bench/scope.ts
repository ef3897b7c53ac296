/** What a scenario started, undone in reverse order even when it fails or the bench is interrupted. */
export class Scope {
  private readonly undo: { what: string; fn: () => Promise<void> | void }[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly log: (msg: string) => void = () => {}) {}

  defer(what: string, fn: () => Promise<void> | void): void {
    this.undo.push({ what, fn });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const u of this.undo.splice(0).reverse()) {
        try {
          await u.fn();
        } catch (e) {
          this.log(`cleanup (${u.what}): ${(e as Error).message}`);
        }
      }
    })();
    return this.closing;
  }
}
