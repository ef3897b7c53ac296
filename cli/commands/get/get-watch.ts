import { stringify } from 'yaml';
import type { ApiClient, WatchEvent } from '../../../shared/client.js';
import { isKedgeError, KedgeError } from '../../../shared/errors.js';
import { resourcePath } from '../../../shared/kinds.js';
import type { KObject } from '../../../shared/meta.js';
import { tableMediaType } from '../../../shared/table.js';
import { readTable, renderServerTable } from '../../printing/server-table.js';
import type { CliIo } from '../../command.js';
import { allNamespaces, getAndPrint, type GetClient, type GetRequest } from './get.js';
import { kindLabel } from '../../printing/resource-names.js';

/**
 * `kedge get -w`: prints what `get` prints, then one line (or document) per change until Ctrl-C or
 * the server ends the watch, like kubectl get -w.
 */
export async function runGetWatch(
  client: GetClient & Pick<ApiClient, 'watch'>,
  req: GetRequest,
  io: Pick<CliIo, 'out' | 'err'> & { stopSignal: Promise<unknown> },
): Promise<number> {
  if (req.names.length > 1) throw new KedgeError('BadRequest', 'get -w: watch one object or a whole collection, not several names');
  const first = await getAndPrint(client, req, io);
  if (first.code !== 0) return first.code;
  const query = {
    labelSelector: req.labelSelector,
    ...(req.names.length ? { fieldSelector: `metadata.name=${req.names[0]}` } : {}),
  };
  const path = resourcePath(req.info, req.namespace);
  const complete = (o: KObject): KObject => ({ ...o, apiVersion: o.apiVersion ?? req.info.apiVersion, kind: o.kind ?? req.info.kind });
  const asTable = req.output === 'table' || req.output === 'wide';
  let headerShown = first.printed > 0;
  let columns = first.columns;
  const print = (e: WatchEvent): void => {
    if (e.type !== 'ADDED' && e.type !== 'MODIFIED' && e.type !== 'DELETED') return;
    if (asTable) {
      // The server's one-row Table; only a watch's first event carries the column definitions.
      const t = readTable(e.object);
      if (!columns?.length) columns = t.columnDefinitions;
      const table = renderServerTable(columns, t.rows, { wide: req.output === 'wide', allNamespaces: allNamespaces(req) });
      // The row without its header line once the header was printed (with the list, or the first change).
      io.out(headerShown ? table.slice(table.indexOf('\n') + 1) : table);
      headerShown = true;
      return;
    }
    const o = complete(e.object);
    switch (req.output) {
      case 'json':
        io.out(`${JSON.stringify(o, null, 4)}\n`);
        break;
      case 'yaml':
        io.out(`---\n${stringify(o)}`);
        break;
      case 'name':
        io.out(`${kindLabel(req.info)}/${o.metadata.name}\n`);
        break;
    }
  };

  let resourceVersion = first.resourceVersion;
  for (;;) {
    const ended = await new Promise<Error | undefined | 'stopped'>((resolve) => {
      const w = client.watch(path, { ...query, ...(resourceVersion ? { resourceVersion } : {}) }, (e) => {
        if (e.type === 'ERROR') return;
        resourceVersion = e.object.metadata?.resourceVersion ?? resourceVersion;
        print(e);
      }, resolve, asTable ? { accept: tableMediaType } : {});
      void io.stopSignal.then(() => {
        w.stop();
        resolve('stopped');
      });
    });
    if (ended === 'stopped' || ended === undefined) return 0;
    // Too far behind for the server's history: start again from the current state, as kubectl does.
    if (isKedgeError(ended, 'Gone') || isKedgeError(ended, 'Conflict')) {
      resourceVersion = undefined;
      continue;
    }
    throw ended;
  }
}
