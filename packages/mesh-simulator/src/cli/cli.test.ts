import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HelpRequested, parseServeArguments } from './serveArguments';

jest.setTimeout(120000);

const bin = resolve(__dirname, '../../bin/mesh-sim');

describe('mesh-sim serve', () => {
  it('prints one ready line, writes its files, serves kubectl and exits 0 on SIGTERM', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mesh-sim-cli-'));
    const child = spawn(
      process.execPath,
      [
        bin,
        'serve',
        '--scenario',
        'seed,demo',
        '--port',
        '0',
        '--state-dir',
        stateDir,
        '--speed',
        '5',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout!.on('data', c => {
      stdout += c.toString();
    });
    child.stderr!.resume();
    const exited = new Promise<number | null>(r =>
      child.on('exit', code => r(code)),
    );
    const deadline = Date.now() + 90000;
    while (!/\n/.test(stdout) && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 100));
    expect(stdout).toMatch(/^mesh-sim ready https:\/\/127\.0\.0\.1:\d+\n$/);
    const url = stdout.trim().split(' ')[2];
    const state = JSON.parse(
      readFileSync(join(stateDir, 'mesh-sim.json'), 'utf8'),
    );
    expect(state.url).toBe(url);
    expect(state.clusters.map((c: any) => c.name)).toEqual([
      'seed',
      'prod-eu',
      'prod-us',
      'staging',
      'prod-ap',
    ]);
    const env = {
      ...process.env,
      KUBECONFIG: join(stateDir, 'kubeconfig'),
      HOME: stateDir,
    };
    const pods = await new Promise<string>((r, reject) =>
      execFile(
        'kubectl',
        ['--context', 'prod-us', 'get', 'pods', '-A', '-o', 'name'],
        { env },
        (error, out, err) => (error ? reject(new Error(err)) : r(out)),
      ),
    );
    expect(pods).toContain('pod/storefront-');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('prints the usage on stdout and exits 0 for --help and -h, with or without serve', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>(r =>
        execFile(process.execPath, [bin, ...args], (error, stdout, stderr) =>
          r({
            code: error ? (error.code as number) : 0,
            stdout,
            stderr,
          }),
        ),
      );
    for (const args of [
      ['serve', '--help'],
      ['serve', '-h'],
      ['serve', '--scenario', 'seed', '--help'],
      ['--help'],
      ['-h'],
    ]) {
      const result = await run(args);
      expect(result).toEqual({
        code: 0,
        stdout: expect.stringMatching(
          /^Usage: mesh-sim serve --scenario <seed\|demo\|shapes\|real-lab\|gateway-api\|FILE\|fleet:CxP>/,
        ),
        stderr: '',
      });
      expect(result.stdout).toContain('[--state-dir DIR]');
    }
  });

  it('refuses bad arguments with exit code 2', async () => {
    const code = await new Promise<number | null>(r => {
      const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
        stdio: 'ignore',
      });
      child.on('exit', c => r(c));
    });
    expect(code).toBe(2);
  });

  it('parses repeated and comma-separated scenarios and flags', () => {
    const options = parseServeArguments(
      [
        '--scenario',
        'seed',
        '--scenario=demo,fleet:2x10',
        '--host',
        '127.0.0.1',
        '--port',
        '7443',
        '--speed',
        '10',
        '--kubeconfig',
        'k.yaml',
      ],
      '/work',
    );
    expect(options).toMatchObject({
      scenarios: ['seed', 'demo', 'fleet:2x10'],
      port: 7443,
      speed: 10,
      kubeconfigPath: '/work/k.yaml',
      stateDir: '/work/.mesh-sim',
    });
    expect(() =>
      parseServeArguments(['--scenario', 'seed', '--speed', '0'], '/work'),
    ).toThrow(/--speed/);
    expect(() => parseServeArguments(['--bogus'], '/work')).toThrow(
      /unknown argument/,
    );
    expect(() => parseServeArguments(['-h'], '/work')).toThrow(HelpRequested);
    expect(
      parseServeArguments(['--scenario', 'shapes'], '/work').scenarios,
    ).toEqual(['shapes']);
    expect(
      parseServeArguments(['--scenario', 'seed'], '/work').eventTtlSeconds,
    ).toBeUndefined();
    for (const [text, seconds] of [
      ['1h', 3600],
      ['1h30m', 5400],
      ['90s', 90],
      ['1.5m', 90],
      ['250ms', 0.25],
      ['120', 120],
    ] as const) {
      expect(
        parseServeArguments(
          ['--scenario', 'seed', `--event-ttl=${text}`],
          '/work',
        ).eventTtlSeconds,
      ).toBe(seconds);
    }
    for (const bad of ['0s', '1d', 'h', '1h-5m', '']) {
      expect(() =>
        parseServeArguments(
          ['--scenario', 'seed', '--event-ttl', bad],
          '/work',
        ),
      ).toThrow(/--event-ttl|duration/);
    }
  });
});
