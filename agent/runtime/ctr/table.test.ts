import { describe, expect, it } from 'vitest';
import {
  parseContainerList,
  parseEventLine,
  parseImageList,
  parseImportedNames,
  parseServerVersion,
  parseTaskList,
  taskExitOf,
} from './table.js';

// Captured from containerd 1.6.20 / ctr 1.6.20.
const containers = `CONTAINER    IMAGE                             RUNTIME                  
c1           docker.io/library/busybox:test    io.containerd.runc.v2    
c2           docker.io/library/busybox:ep      io.containerd.runc.v2    
`;
const tasks = `TASK    PID     STATUS    
c1      6363    RUNNING
c2      7770    STOPPED
c3      7801    PAUSED
c4      7900    WEIRD
`;
const images = `REF                            TYPE                                       DIGEST                                                                  SIZE    PLATFORMS   LABELS 
docker.io/library/busybox:ep   application/vnd.oci.image.manifest.v1+json sha256:5ccbfd68bfce7bf864a4f8d212c3f2a90d854616ee5f8f9abc2c5ce3cdbf663b 1.9 MiB linux/amd64 -      
docker.io/library/busybox:test application/vnd.oci.image.index.v1+json sha256:016f01dd4be43d014f5cb89357d940e949aecc33c7870def17b2dbef172d28c7 1.9 MiB linux/amd64,linux/arm64 -      
`;
const version = `Client:
  Version:  1.6.20~ds1
  Revision: 1.6.20~ds1-1+deb12u3
  Go version: go1.19.8

Server:
  Version:  1.6.21
  Revision: 1.6.20~ds1-1+deb12u3
  UUID: 4f85e458-1911-4249-beb5-8f6f9dd9af45
`;

describe('ctr table parsers', () => {
  it('parses containers', () => {
    expect(parseContainerList(containers)).toEqual([
      { id: 'c1', image: 'docker.io/library/busybox:test' },
      { id: 'c2', image: 'docker.io/library/busybox:ep' },
    ]);
    expect(parseContainerList('CONTAINER    IMAGE    RUNTIME    \n')).toEqual([]);
  });

  it('parses tasks with their status and pid', () => {
    expect(parseTaskList(tasks)).toEqual([
      { id: 'c1', pid: 6363, status: 'running' },
      { id: 'c2', pid: 7770, status: 'stopped' },
      { id: 'c3', pid: 7801, status: 'paused' },
      { id: 'c4', pid: 7900, status: 'unknown' },
    ]);
  });

  it('parses images despite the space inside SIZE', () => {
    const rows = parseImageList(images);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({
      ref: 'docker.io/library/busybox:test',
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: 'sha256:016f01dd4be43d014f5cb89357d940e949aecc33c7870def17b2dbef172d28c7',
    });
  });

  it('reads the server version, not the client one', () => {
    expect(parseServerVersion(version)).toBe('1.6.21');
    expect(parseServerVersion('Client:\n  Version: 1\n')).toBeNull();
  });

  it('reads imported names', () => {
    const out = 'unpacking docker.io/library/busybox:v1 (sha256:e80fe9012ee91f043566b967be5f0c6ebb0c4ad533668d6f695e510dada8be67)...done\n' +
      'unpacking docker.io/library/busybox:v2 (sha256:5ccbfd68bfce7bf864a4f8d212c3f2a90d854616ee5f8f9abc2c5ce3cdbf663b)...done\n';
    expect(parseImportedNames(out)).toEqual(['docker.io/library/busybox:v1', 'docker.io/library/busybox:v2']);
    expect(parseImportedNames('')).toEqual([]);
  });

  it('turns task exit events into TaskExit and ignores exec exits', () => {
    const own = parseEventLine('2026-11-29 04:53:37.156228597 +0000 UTC kedge /tasks/exit {"container_id":"c1","id":"c1","pid":6363,"exit_status":137,"exited_at":"2026-11-29T04:53:37.156209469Z"}');
    expect(own?.namespace).toBe('kedge');
    expect(taskExitOf(own!)).toEqual({ id: 'c1', exitCode: 137, exitedAt: '2026-11-29T04:53:37.156209469Z' });
    const exec = parseEventLine('2026-11-29 04:53:37.122079759 +0000 UTC kedge /tasks/exit {"container_id":"c1","id":"e1","pid":6655,"exit_status":7,"exited_at":"2026-11-29T04:53:37.12161Z"}');
    expect(taskExitOf(exec!)).toBeNull();
    const zero = parseEventLine('2026-11-29 04:53:37.1 +0000 UTC kedge /tasks/exit {"container_id":"c9","id":"c9","pid":1,"exited_at":"2026-11-29T04:53:37Z"}');
    expect(taskExitOf(zero!)?.exitCode).toBe(0);
    const started = parseEventLine('2026-11-29 04:53:37.083974681 +0000 UTC kedge /tasks/exec-added {"container_id":"c1","exec_id":"e1"}');
    expect(started?.topic).toBe('/tasks/exec-added');
    expect(taskExitOf(started!)).toBeNull();
    expect(parseEventLine('garbage')).toBeNull();
    expect(parseEventLine('2026-11-29 04:53:37 +0000 UTC kedge /tasks/exit {broken')).toBeNull();
  });
});
