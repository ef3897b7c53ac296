/** One CNI operation at a time: plugins share state (host-local's store, the bridge), and DEL must not overtake an ADD. */
export interface Lock {
  run<T>(work: () => Promise<T>): Promise<T>;
}

export function createLock(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(work) {
      const next = tail.then(work, work);
      // The queue goes on after a failure; the caller still sees it.
      tail = next.catch(() => undefined);
      return next;
    },
  };
}
