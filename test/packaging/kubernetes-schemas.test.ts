// packaging/kubernetes/*.yaml against the Kubernetes API schemas, offline: the npm package
// kubernetes-models (its validators are generated from the API's OpenAPI schemas and know
// podFailurePolicy) validates each document; and because those validators accept unknown fields,
// each document is also walked against the schema's own property lists (the package's type
// declarations, read with the TypeScript compiler): a misspelled or unknown field fails.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { Job, CronJob } from 'kubernetes-models/batch/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { ROOT } from '../helpers/cli.ts';

const DIR = path.join(ROOT, 'packaging/kubernetes');
const MODELS = { Job, CronJob, Deployment, PersistentVolumeClaim } as const;
const TYPES: Record<keyof typeof MODELS, [string, string]> = {
  Job: ['kubernetes-models/batch/v1', 'IJob'],
  CronJob: ['kubernetes-models/batch/v1', 'ICronJob'],
  Deployment: ['kubernetes-models/apps/v1', 'IDeployment'],
  PersistentVolumeClaim: ['kubernetes-models/v1', 'IPersistentVolumeClaim'],
};

const docs = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(path.join(DIR, f), 'utf8')).map((d, i) => ({ where: `${f}#${i + 1}`, doc: d.toJS() as Record<string, any> })));

/** The checker and each kind's root type, from a one-line module that imports the declarations. */
function schemaTypes() {
  const file = path.join(ROOT, 'test/packaging/__k8s_types__.ts');
  const text = Object.entries(TYPES).map(([k, [mod, name]]) => `import type { ${name} } from '${mod}';\nexport type ${k} = ${name};`).join('\n');
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const get = host.getSourceFile;
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, text, lang) : get.call(host, name, lang, ...rest));
  const exists = host.fileExists;
  host.fileExists = (name) => name === file || exists.call(host, name);
  const program = ts.createProgram([file], options, host);
  const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diags).toEqual([]);
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file)!;
  const roots = new Map<string, ts.Type>();
  for (const s of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) roots.set(s.name, checker.getDeclaredTypeOfSymbol(s));
  return { checker, roots, sf };
}

/** Every path in `value` whose key the schema does not know. */
function unknownFields(checker: ts.TypeChecker, sf: ts.SourceFile, type: ts.Type, value: unknown, at: string, out: string[]): void {
  const t = checker.getNonNullableType(type);
  if (Array.isArray(value)) {
    const el = checker.isArrayType(t) ? checker.getTypeArguments(t as ts.TypeReference)[0] : null;
    if (!el) out.push(`${at}: a list where the schema has ${checker.typeToString(t)}`);
    else value.forEach((v, i) => unknownFields(checker, sf, el, v, `${at}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object') return; // scalars: the validators check them
  const objects = t.isUnion() ? t.types.filter((u) => u.flags & ts.TypeFlags.Object) : [t];
  for (const [k, v] of Object.entries(value)) {
    const prop = objects.map((o) => o.getProperty(k)).find(Boolean);
    const index = objects.map((o) => checker.getIndexTypeOfType(o, ts.IndexKind.String)).find(Boolean);
    if (prop) unknownFields(checker, sf, checker.getTypeOfSymbolAtLocation(prop, sf), v, `${at}.${k}`, out);
    else if (index) unknownFields(checker, sf, index, v, `${at}.${k}`, out);
    else out.push(`${at}.${k}`);
  }
}

describe('packaging/kubernetes against the API schemas (kubernetes-models)', () => {
  const { checker, roots, sf } = schemaTypes();

  it('every document is of a kind we check', () => {
    expect(docs.length).toBeGreaterThanOrEqual(4);
    for (const { where, doc } of docs) expect(Object.keys(MODELS), where).toContain(doc.kind);
  });

  it.each(docs.map((d) => [d.where, d.doc] as const))('%s: valid for the schema', (where, doc) => {
    const Model = MODELS[doc.kind as keyof typeof MODELS];
    expect(() => new Model(doc as never).validate(), where).not.toThrow();
  });

  it.each(docs.map((d) => [d.where, d.doc] as const))('%s: no field the schema does not know', (where, doc) => {
    const out: string[] = [];
    unknownFields(checker, sf, roots.get(doc.kind)!, doc, doc.kind, out);
    expect(out, where).toEqual([]);
  });

  it('both checks can fail: a wrong type is invalid, a misspelled field is unknown', () => {
    const job = structuredClone(docs.find((d) => d.doc.kind === 'Job')!.doc);
    job.spec.backoffLimit = 'six';
    expect(() => new Job(job as never).validate()).toThrow(/backoffLimit/);
    const typo = structuredClone(docs.find((d) => d.doc.kind === 'Job')!.doc);
    typo.spec.podFailurePolicy.rules[0].onExitCode = typo.spec.podFailurePolicy.rules[0].onExitCodes;
    typo.spec.template.spec.containers[0].volumeMount = [];
    expect(() => new Job(typo as never).validate()).not.toThrow(); // what the validators alone miss
    const out: string[] = [];
    unknownFields(checker, sf, roots.get('Job')!, typo, 'Job', out);
    expect(out).toEqual(['Job.spec.podFailurePolicy.rules[0].onExitCode', 'Job.spec.template.spec.containers[0].volumeMount']);
  });
});
