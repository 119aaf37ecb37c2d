/**
 * `npm test`: types, lint, import rules, build, then every vitest suite. Prints one plain
 * `N passed, N failed[, N skipped]` line at the end (each check counts as one test) and exits
 * non-zero when anything failed.
 *
 *   npm test                 everything
 *   npm test -- src/rules    checks, then only the vitest files matching the filter
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';

interface Step {
  name: string;
  cmd: string[];
}

const steps: Step[] = [
  { name: 'types (server)', cmd: ['npx', 'tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'types (web)', cmd: ['npx', 'tsc', '--noEmit', '-p', 'web/tsconfig.json'] },
  { name: 'lint', cmd: ['npx', 'eslint', '--max-warnings=0', '.'] },
  { name: 'import rules and cycles', cmd: ['npx', 'depcruise', 'src', 'web/src', 'scripts', 'bench', '--config', '.dependency-cruiser.cjs'] },
  { name: 'build', cmd: ['npm', 'run', '--silent', 'build'] },
];

function run(cmd: string[]): Promise<number> {
  return new Promise((resolve) => {
    const [bin, ...args] = cmd;
    const child = spawn(bin!, args, { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>;
}

async function main(): Promise<number> {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (const s of steps) {
    const t0 = performance.now();
    console.log(`\n▶ ${s.name}: ${s.cmd.join(' ')}`);
    const code = await run(s.cmd);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    if (code === 0) {
      passed++;
      console.log(`✓ ${s.name} (${secs} s)`);
    } else {
      failed++;
      failures.push(s.name);
      console.log(`✗ ${s.name} failed with exit code ${code} (${secs} s)`);
    }
  }

  await mkdir('.tmp', { recursive: true });
  const reportFile = '.tmp/vitest-report.json';
  await rm(reportFile, { force: true });
  console.log('\n▶ vitest');
  const code = await run(['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)]);
  let report: VitestReport | undefined;
  try {
    report = JSON.parse(await readFile(reportFile, 'utf8')) as VitestReport;
  } catch {
    report = undefined;
  }
  if (!report) {
    failed++;
    failures.push('vitest (no report: the runner crashed)');
  } else {
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    // A file that fails to load (or fails in a hook) has no failed test to count: count the file.
    const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'));
    failed += brokenFiles.length;
    for (const f of brokenFiles) console.log(`✗ ${f.name}: ${(f.message ?? 'failed').split('\n')[0]}`);
    if (report.numFailedTests || report.numFailedTestSuites) failures.push('vitest');
    if (code !== 0 && !report.numFailedTests && !report.numFailedTestSuites) {
      failed++;
      failures.push(`vitest exited with code ${code}`);
    }
  }
  console.log('');
  if (failures.length) console.log(`failed: ${failures.join(', ')}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
