// packaging/kubernetes/*.yaml: parsed, and checked for the structure the docs promise: kinds and
// apiVersions, podFailurePolicy rules that map safehalt's exit codes, restartPolicy: Never where
// a podFailurePolicy is set, the state directory on a declared volume, no safehalt as PID 1, and a
// grace period longer than --kill-timeout.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { EXIT } from '../../src/exit-codes.ts';
import { parseDuration } from '../../src/util/duration.ts';
import { ROOT } from '../helpers/cli.ts';

const DIR = path.join(ROOT, 'packaging/kubernetes');
const API: Record<string, string> = { Job: 'batch/v1', CronJob: 'batch/v1', Deployment: 'apps/v1', StatefulSet: 'apps/v1', PersistentVolumeClaim: 'v1' };

type Doc = Record<string, any>;
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const docsOf = (file: string): Doc[] => {
  const docs = parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8'));
  for (const d of docs) expect(d.errors, `${file}: ${d.errors.join('; ')}`).toEqual([]);
  return docs.map((d) => d.toJS());
};
const all = files.flatMap((f) => docsOf(f).map((doc) => ({ file: f, doc })));

/** Each Job spec: a Job's own, or a CronJob's jobTemplate. */
const jobSpecs = () =>
  all.flatMap(({ file, doc }) => (doc.kind === 'Job' ? [{ file, spec: doc.spec }] : doc.kind === 'CronJob' ? [{ file, spec: doc.spec.jobTemplate.spec }] : []));
/** Each pod spec with the workload kind it belongs to. */
const podSpecs = () =>
  all.flatMap(({ file, doc }) => {
    if (doc.kind === 'Job' || doc.kind === 'Deployment' || doc.kind === 'StatefulSet') return [{ file, kind: doc.kind, pod: doc.spec.template.spec }];
    if (doc.kind === 'CronJob') return [{ file, kind: 'CronJob', pod: doc.spec.jobTemplate.spec.template.spec }];
    return [];
  });
const flag = (cmd: string[], name: string) => cmd.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? (cmd.includes(`--${name}`) ? cmd[cmd.indexOf(`--${name}`) + 1] : undefined);
const safehaltContainers = (pod: Doc) => (pod.containers as Doc[]).filter((c) => c.command?.[0] === 'safehalt' && c.command[1] === 'run');

describe('packaging/kubernetes', () => {
  it('has a Job, a CronJob and a Deployment', () => {
    expect(files.sort()).toEqual(['cronjob.yaml', 'deployment.yaml', 'job.yaml']);
    expect(new Set(all.map(({ doc }) => doc.kind))).toEqual(new Set(['Job', 'CronJob', 'Deployment', 'PersistentVolumeClaim']));
  });

  it.each(files)('%s: every document has a known kind, its apiVersion and a name', (file) => {
    for (const doc of docsOf(file)) {
      expect(API[doc.kind], `kind ${doc.kind}`).toBeDefined();
      expect(doc.apiVersion).toBe(API[doc.kind]);
      expect(doc.metadata?.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('every Job maps 80-83 to FailJob, 84 to Count, and ignores disruptions', () => {
    const specs = jobSpecs();
    expect(specs.length).toBe(2);
    for (const { file, spec } of specs) {
      const rules = spec.podFailurePolicy?.rules as Doc[];
      expect(rules, file).toBeDefined();
      const codes = (action: string) => rules.filter((r) => r.action === action && r.onExitCodes?.operator === 'In').flatMap((r) => r.onExitCodes.values);
      expect(codes('FailJob').sort()).toEqual([EXIT.HALT_FAILURES, EXIT.HALT_BUDGET, EXIT.HALT_PROGRESS, EXIT.LATCHED]);
      expect(codes('Count')).toEqual([EXIT.BUSY]);
      expect(rules.some((r) => r.action === 'Ignore' && r.onPodConditions?.some((c: Doc) => c.type === 'DisruptionTarget'))).toBe(true);
      expect(spec.template.spec.restartPolicy, `${file}: podFailurePolicy needs restartPolicy: Never`).toBe('Never');
      const names = (spec.template.spec.containers as Doc[]).map((c) => c.name);
      for (const r of rules.filter((x) => x.onExitCodes)) {
        expect(names).toContain(r.onExitCodes.containerName);
        expect(r.onExitCodes.values).not.toContain(0); // the API rejects 0 with operator In
        expect(['FailJob', 'Count', 'Ignore', 'FailIndex']).toContain(r.action);
      }
      expect(spec.backoffLimit).toBeGreaterThan(0);
    }
  });

  it('every pod keeps safehalt off PID 1 and its state on a declared volume', () => {
    for (const { file, pod } of podSpecs()) {
      const init = pod.shareProcessNamespace === true || (pod.containers as Doc[]).every((c) => /tini|dumb-init|docker-init/.test(c.command?.[0] ?? ''));
      expect(init, `${file}: shareProcessNamespace or an init as the entrypoint`).toBe(true);
      const containers = safehaltContainers(pod);
      expect(containers.length, file).toBeGreaterThan(0);
      for (const c of containers) {
        const stateDir = flag(c.command, 'state-dir');
        expect(stateDir, `${file}: --state-dir`).toBeDefined();
        const mount = (c.volumeMounts as Doc[]).find((m) => stateDir!.startsWith(`${m.mountPath}/`));
        expect(mount, `${file}: a volumeMount holds ${stateDir}`).toBeDefined();
        const volume = (pod.volumes as Doc[]).find((v) => v.name === mount!.name);
        expect(volume, `${file}: volume ${mount!.name}`).toBeDefined();
        if (volume!.persistentVolumeClaim) {
          const claims = all.filter(({ doc }) => doc.kind === 'PersistentVolumeClaim').map(({ doc }) => doc.metadata.name);
          expect(claims).toContain(volume!.persistentVolumeClaim.claimName);
        } else expect(volume!.emptyDir).toBeDefined();
      }
    }
  });

  it('Jobs keep their memory on a PersistentVolumeClaim', () => {
    for (const { file, kind, pod } of podSpecs().filter((p) => p.kind === 'Job' || p.kind === 'CronJob'))
      expect((pod.volumes as Doc[]).some((v) => v.persistentVolumeClaim), `${file} (${kind})`).toBe(true);
  });

  it('every grace period is longer than --kill-timeout, with time to write the stop reason', () => {
    for (const { file, pod } of podSpecs())
      for (const c of safehaltContainers(pod)) {
        const kill = parseDuration('kill-timeout', flag(c.command, 'kill-timeout') ?? '10s');
        expect(pod.terminationGracePeriodSeconds * 1000, file).toBeGreaterThanOrEqual(kill + 10_000);
      }
  });

  it('the Deployment restarts containers (the latch, not the kubelet, stops the retries)', () => {
    const dep = podSpecs().find((p) => p.kind === 'Deployment')!;
    expect(dep.pod.restartPolicy ?? 'Always').toBe('Always');
    expect(safehaltContainers(dep.pod)[0].readinessProbe.exec.command.slice(0, 2)).toEqual(['safehalt', 'status']);
  });
});
