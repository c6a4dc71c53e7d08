/** Something that must hold before the service takes traffic (database reachable, revocations replayed). */
export interface ReadinessCheck {
  readonly name: string;
  isReady(): Promise<boolean> | boolean;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export class ReadinessChecks {
  private readonly checks: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  async evaluate(): Promise<Record<string, boolean>> {
    const results: Record<string, boolean> = {};
    for (const check of this.checks) {
      try {
        results[check.name] = await check.isReady();
      } catch {
        results[check.name] = false;
      }
    }
    return results;
  }
}
