import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './repo-root';

/** Debian's python3-openstackclient and python3-openstacksdk live in the system interpreter. */
export const SYSTEM_PYTHON = process.env.STRATUS_TEST_PYTHON ?? '/usr/bin/python3';

export interface CliResult {
  argv: string[];
  rc: number;
  stdout: string;
  stderr: string;
}

export interface CliCredentials {
  authUrl: string;
  username?: string;
  password?: string;
  projectName?: string;
  projectId?: string;
  userDomainId?: string;
  projectDomainId?: string;
  applicationCredentialId?: string;
  applicationCredentialSecret?: string;
  token?: string;
}

/** The OS_* variables the real clients read, exactly as an openrc file sets them. */
export function openrcEnv(credentials: CliCredentials): Record<string, string> {
  const env: Record<string, string> = { OS_AUTH_URL: credentials.authUrl, OS_IDENTITY_API_VERSION: '3' };
  const set = (name: string, value?: string) => value !== undefined && (env[name] = value);
  set('OS_USERNAME', credentials.username);
  set('OS_PASSWORD', credentials.password);
  set('OS_PROJECT_NAME', credentials.projectName);
  set('OS_PROJECT_ID', credentials.projectId);
  set('OS_USER_DOMAIN_ID', credentials.userDomainId ?? (credentials.username ? 'default' : undefined));
  set(
    'OS_PROJECT_DOMAIN_ID',
    credentials.projectDomainId ?? (credentials.projectName ? 'default' : undefined),
  );
  if (credentials.applicationCredentialId) {
    env.OS_AUTH_TYPE = 'v3applicationcredential';
    env.OS_APPLICATION_CREDENTIAL_ID = credentials.applicationCredentialId;
    set('OS_APPLICATION_CREDENTIAL_SECRET', credentials.applicationCredentialSecret);
  }
  if (credentials.token) {
    env.OS_AUTH_TYPE = 'v3token';
    env.OS_TOKEN = credentials.token;
  }
  return env;
}

/**
 * Runs several `openstack` commands in one Python process (the real openstackclient shell, one
 * fresh shell per command), paying the interpreter's start-up once. Each result keeps its own
 * exit code and output.
 */
export async function openstack(credentials: CliCredentials, commands: string[][]): Promise<CliResult[]> {
  const script = join(repoRoot(), 'libs', 'testing', 'python', 'openstack_batch.py');
  const output = await runPython([script], JSON.stringify(commands), openrcEnv(credentials));
  return JSON.parse(output) as CliResult[];
}

/**
 * Runs several `swift` commands (Debian's python3-swiftclient) in one Python process, as
 * `openstack` does: each gets a fresh client shell and keeps its own exit code and output.
 */
export async function swift(credentials: CliCredentials, commands: string[][]): Promise<CliResult[]> {
  const script = join(repoRoot(), 'libs', 'testing', 'python', 'openstack_batch.py');
  const output = await runPython([script, 'swift'], JSON.stringify(commands), openrcEnv(credentials));
  return JSON.parse(output) as CliResult[];
}

/** Runs an openstacksdk script under the system Python with the given OS_* environment. */
export async function openstackSdk(credentials: CliCredentials, source: string): Promise<string> {
  return runPython(['-'], source, openrcEnv(credentials));
}

function runPython(args: string[], stdin: string, env: Record<string, string>): Promise<string> {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, args, {
      env: { ...baseEnv, ...env, PYTHONWARNINGS: 'ignore' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${SYSTEM_PYTHON} exited ${code}\n${stderr}\n${stdout}`));
    });
    child.stdin.end(stdin);
  });
}

/** The parsed JSON output of a command run with `-f json`, or a failure showing what the CLI said. */
export function jsonOf<T = unknown>(result: CliResult): T {
  if (result.rc !== 0) {
    throw new Error(
      `openstack ${result.argv.join(' ')} failed (${result.rc}):\n${result.stderr}${result.stdout}`,
    );
  }
  return JSON.parse(result.stdout) as T;
}
