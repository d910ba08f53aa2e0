// Benchmark of `credguard scan` against the tools people use for the same job, on the same
// generated trees, in one run (not a test):  node --import tsx bench/scan.ts
//   - a 1,000-file / ~5 MB Terraform tree (clean, committed in a git repo)
//   - a 3-file commit staged in that repo
// Rows: credguard, `git secrets` (--register-aws), secretlint + its recommended preset,
// hcl2-json-parser parsing every file, and a bare `node -e 0`. Wall time of whole processes,
// median of several runs; the fast rows are measured round-robin (bench/lib/measure.ts).
// NODE_EXTRA_CA_CERTS is unset for every Node process timed: on the machines it is set on,
// Node reads the whole CA bundle at startup (~90 ms) for every process.
// `node --import tsx bench/scan.ts --generate <dir>` only writes the 1,000-file tree.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN, ROOT, median, requireBuild, roundRobin } from './lib/measure.js';
import { hasCommand } from '../test/helpers/integration.js';

const SECRETLINT = join(ROOT, 'node_modules', '.bin', 'secretlint');

const FILES = 1000;
/** Rounds of the interleaved measurements (BENCH_RUNS overrides the commit's). */
const TREE_ROUNDS = 15;
const COMMIT_ROUNDS = Math.max(5, Number(process.env['BENCH_RUNS']) || 41);
const TARGET_BYTES = 5 * 1024 * 1024;

interface Row {
  name: string;
  tree?: number;
  commit?: number;
  note?: string;
}

// ---------------------------------------------------------------- generated Terraform

/** Deterministic pseudo-random numbers, so every run benchmarks the same tree. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const BLOCKS: ((n: number, r: () => number) => string)[] = [
  (n) => `resource "aws_s3_bucket" "logs_${n}" {
  bucket = "acme-\${var.environment}-logs-${n}"
  tags = merge(local.common_tags, {
    Name        = "logs-${n}"
    CostCenter  = "cc-${n % 17}"
  })
}

resource "aws_s3_bucket_versioning" "logs_${n}" {
  bucket = aws_s3_bucket.logs_${n}.id
  versioning_configuration {
    status = "Enabled"
  }
}
`,
  (n) => `resource "aws_iam_policy" "read_${n}" {
  name        = "read-${n}"
  description = "Read access for service ${n}"
  policy      = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::acme-${n}", "arn:aws:s3:::acme-${n}/*"]
      }]
    }
  EOT
}
`,
  (n, r) => `variable "instance_type_${n}" {
  description = "EC2 instance type for worker pool ${n}"
  type        = string
  default     = "${r() < 0.5 ? 't3.micro' : 'm5.large'}"
}

variable "subnet_ids_${n}" {
  type    = list(string)
  default = []
}
`,
  (n) => `module "service_${n}" {
  source  = "../../modules/service"
  name    = "service-${n}"
  vpc_id  = data.aws_vpc.main.id
  subnets = var.subnet_ids_${n}
  ports   = [80, 443, ${8000 + (n % 100)}]
  env = {
    LOG_LEVEL = "info"
    REGION    = var.region
  }
}
`,
  (n) => `resource "aws_security_group" "web_${n}" {
  name_prefix = "web-${n}-"
  vpc_id      = data.aws_vpc.main.id

  dynamic "ingress" {
    for_each = toset([80, 443])
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["10.\${${n} % 255}.0.0/16"] # internal only
    }
  }
  lifecycle {
    create_before_destroy = true
  }
}
`,
  (n) => `locals {
  name_${n} = "\${var.project}-\${var.environment}-${n}"
  ports_${n} = { for p in [80, 443] : tostring(p) => p }
  /* sizes by environment */
  size_${n} = var.environment == "prod" ? "large" : "small"
}

output "bucket_${n}" {
  value       = aws_s3_bucket.logs_${n}.arn
  description = "ARN of bucket ${n}"
}
`,
  (n) => `resource "aws_lambda_function" "fn_${n}" {
  function_name    = "fn-${n}"
  role             = aws_iam_role.lambda.arn
  handler          = "index.handler"
  runtime          = "nodejs20.x"
  filename         = "\${path.module}/build/fn-${n}.zip"
  source_code_hash = filebase64sha256("\${path.module}/build/fn-${n}.zip")
  environment {
    variables = {
      TABLE = aws_dynamodb_table.t.name
    }
  }
}
`,
];

// Realistic files that do mention secrets (Secrets Manager, tokens), so not every file can be
// ruled out by a glance: credguard lexes these fully.
const SECRETISH = (n: number): string => `resource "aws_secretsmanager_secret" "db_${n}" {
  name = "db-${n}"
}

variable "api_token_${n}" {
  type      = string
  sensitive = true
}
`;

const PROVIDER = `provider "aws" {
  region  = var.region
  profile = var.profile
  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/terraform"
    session_name = "terraform"
  }
  default_tags {
    tags = local.common_tags
  }
}
`;

function terraformFile(index: number, bytes: number, r: () => number): string {
  let out = index % 40 === 0 ? PROVIDER : '';
  if (r() < 0.2) out += SECRETISH(index);
  let n = index * 100;
  while (out.length < bytes) out += `${BLOCKS[Math.floor(r() * BLOCKS.length)]!(n++, r)}\n`;
  return out;
}

function generateTree(dir: string): { bytes: number; files: string[] } {
  const r = prng(42);
  const files: string[] = [];
  let bytes = 0;
  const perFile = TARGET_BYTES / FILES;
  for (let i = 0; i < FILES; i++) {
    const rel = `live/stack-${String(Math.floor(i / 20)).padStart(2, '0')}/${i % 20 === 19 ? 'terraform.tfvars' : `part-${i % 20}.tf`}`;
    const text = rel.endsWith('.tfvars')
      ? `region      = "us-east-1"\nenvironment = "prod"\nproject     = "acme"\ninstance_count = ${i}\n`.repeat(Math.ceil(perFile / 80))
      : terraformFile(i, perFile * (0.6 + r() * 0.8), r);
    mkdirSync(join(dir, dirname(rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
    files.push(rel);
    bytes += Buffer.byteLength(text);
  }
  return { bytes, files };
}

// ---------------------------------------------------------------- timing

const ENV: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
delete ENV['NODE_EXTRA_CA_CERTS'];

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

interface Cmd {
  cmd: string;
  args: string[];
}

/** Run once to warm the page cache and check that the command works. */
function warm({ cmd, args }: Cmd, cwd: string, okCodes: number[]): void {
  const r = run(cmd, args, cwd);
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(0, 500)}`);
}

function once({ cmd, args }: Cmd, cwd: string): number {
  const t0 = process.hrtime.bigint();
  run(cmd, args, cwd);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Median wall time in ms of a slow tool: `runs` runs, fewer once `budgetMs` is spent. */
function time(cmd: string, args: string[], cwd: string, okCodes: number[], runs = 11, budgetMs = 20_000): number {
  warm({ cmd, args }, cwd, okCodes);
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < runs && (samples.length === 0 || spent < budgetMs)) {
    samples.push(once({ cmd, args }, cwd));
    spent += samples.at(-1)!;
  }
  return median(samples);
}

/** Medians of fast commands, round-robin (bench/lib/measure.ts), after a run that checks each works. */
function interleaved<K extends string>(cmds: Partial<Record<K, Cmd>>, cwd: string, okCodes: number[], rounds: number): Partial<Record<K, number>> {
  const entries = Object.entries(cmds) as [K, Cmd][];
  for (const [, c] of entries) warm(c, cwd, okCodes);
  const cases = entries.map(([name, c]) => ({ name, argv: [c.cmd, ...c.args], env: ENV as Record<string, string>, cwd }));
  const { wall } = roundRobin(cases, rounds, { warmup: 0, cpu: false });
  return Object.fromEntries(entries.map(([k], i) => [k, wall[i]])) as Partial<Record<K, number>>;
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd, env: { ...ENV, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

// ---------------------------------------------------------------- main

function main(): void {
  requireBuild();
  const dir = mkdtempSync(join(tmpdir(), 'credguard-bench-'));
  try {
    const { bytes, files } = generateTree(dir);
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
    writeFileSync(join(dir, '.secretlintrc.json'), JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules')); // secretlint resolves its preset from here
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'tree');
    const gitSecrets = hasCommand('git-secrets');
    if (gitSecrets) git(dir, 'secrets', '--register-aws');

    // the 3-file commit: two edited files and a new one, staged
    const commitFiles = [files[1]!, files[2]!, 'live/stack-00/new.tf'];
    for (const f of commitFiles) writeFileSync(join(dir, f), `${existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : ''}\n${BLOCKS[0]!(99999, prng(1))}`);
    git(dir, 'add', ...commitFiles);

    const parseScript = `const hcl=require('hcl2-json-parser');const fs=require('fs');(async()=>{for(const f of process.argv.slice(1))await hcl.parseToObject(fs.readFileSync(f,'utf8')).catch(()=>{})})()`;
    const treeTfFiles = files.filter((f) => f.endsWith('.tf'));
    const node = (...args: string[]): Cmd => ({ cmd: 'node', args });
    const bare = node('-e', '0');
    const entry = node(BIN, '--version');
    const treeScan = node(BIN, 'scan');
    const stagedScan = node(BIN, 'scan', '--staged');
    const filesScan = node(BIN, 'scan', ...commitFiles);
    const gsTree: Cmd = { cmd: 'git', args: ['secrets', '--scan'] };
    const gsCommit: Cmd = { cmd: 'git', args: ['secrets', '--pre_commit_hook'] };
    const tree = interleaved({ credguard: treeScan, entry, bare, ...(gitSecrets ? { gitSecrets: gsTree } : {}) }, dir, [0], TREE_ROUNDS);
    const commit = interleaved({ staged: stagedScan, files: filesScan, entry, bare, ...(gitSecrets ? { gitSecrets: gsCommit } : {}) }, dir, [0], COMMIT_ROUNDS);

    const rows: Row[] = [];
    rows.push({ name: '**credguard scan**', tree: tree.credguard, commit: commit.staged, note: 'commit: `--staged` (the native hook: reads the index through git)' });
    rows.push({ name: '**credguard scan** `<3 files>`', commit: commit.files, note: 'what the pre-commit framework runs: the staged file names as arguments' });
    if (gitSecrets) rows.push({ name: '`git secrets --scan` (--register-aws)', tree: tree.gitSecrets, commit: commit.gitSecrets, note: 'commit: `--pre_commit_hook`, what its hook runs' });
    else rows.push({ name: '`git secrets`', note: 'not installed (apt-get install git-secrets)' });
    rows.push({
      name: 'secretlint + preset-recommend',
      tree: time(SECRETLINT, ['**/*.tf', '**/*.tfvars'], dir, [0], 3, 60_000),
      commit: time(SECRETLINT, commitFiles, dir, [0], 5),
    });
    rows.push({
      name: 'hcl2-json-parser (parse only)',
      tree: time('node', ['-e', parseScript, ...treeTfFiles], dir, [0], 1, 0),
      commit: time('node', ['-e', parseScript, ...commitFiles], dir, [0], 5),
      note: `tree: the ${treeTfFiles.length} .tf files, one run`,
    });
    // the floor every credguard command pays before it does anything: bin/credguard.js and
    // the dispatcher bundle (dist/bundle/main.js)
    rows.push({ name: '`credguard --version` (CLI entry only)', tree: tree.entry, commit: commit.entry });
    rows.push({ name: '`node -e 0`', tree: tree.bare, commit: commit.bare });

    print(rows, bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function print(rows: Row[], bytes: number): void {
  const node = spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`### scan\n`);
  console.log(`Machine: ${cpus().length} cores (${cpu}), Node ${node}; NODE_EXTRA_CA_CERTS unset for every Node process.`);
  console.log(`Median wall time of whole processes. Tree: ${FILES} files, ${(bytes / 1024 / 1024).toFixed(1)} MB, committed; commit: 3 staged files.\n`);
  console.log(`| tool | 1,000-file tree | 3-file commit | note |`);
  console.log(`|---|---:|---:|---|`);
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.tree)} | ${fmt(r.commit)} | ${r.note ?? ''} |`);
  const cg = rows[0]!;
  const gs = rows.find((r) => r.name.includes('git secrets') && r.tree !== undefined);
  const sl = rows.find((r) => r.name.startsWith('secretlint'));
  const bare = rows.find((r) => r.name.includes('node -e 0'));
  console.log('');
  const check = (label: string, ok: boolean, detail: string): void => console.log(`- ${ok ? '✅' : '❌'} ${label}: ${detail}`);
  if (gs?.tree && cg.tree) check('tree ≤ 2× git-secrets', cg.tree <= 2 * gs.tree, `${(cg.tree / gs.tree).toFixed(2)}×`);
  if (sl?.tree && cg.tree) check('tree ≥ 100× faster than secretlint', sl.tree >= 100 * cg.tree, `${(sl.tree / cg.tree).toFixed(0)}× faster`);
  if (bare?.commit && cg.commit) check('commit (`--staged`) ≤ 1.3× `node -e 0`', cg.commit <= 1.3 * bare.commit, `${(cg.commit / bare.commit).toFixed(2)}×`);
  const pc = rows[1];
  if (bare?.commit && pc?.commit) check('commit (pre-commit form) ≤ 1.3× `node -e 0`', pc.commit <= 1.3 * bare.commit, `${(pc.commit / bare.commit).toFixed(2)}×`);
}

// `--generate <dir>` only writes the tree (for profiling); no argument runs the benchmark.
if (process.argv[2] === '--generate' && process.argv[3]) generateTree(process.argv[3]);
else main();
