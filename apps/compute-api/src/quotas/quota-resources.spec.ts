import { Microversion } from '../common/microversion';
import { absoluteLimits, DEFAULT_QUOTAS, quotaSetFields, serversThatFit } from './quota-resources';

const v = (text: string) => Microversion.parse(text)!;
const used = { instances: 0, cores: 0, ram: 0, server_groups: 0 };

describe('quota resources', () => {
  it('shows the network quotas only before 2.36', () => {
    expect(quotaSetFields({ ...DEFAULT_QUOTAS }, v('2.1'))).toHaveProperty('floating_ips', 10);
    expect(quotaSetFields({ ...DEFAULT_QUOTAS }, v('2.36'))).not.toHaveProperty('floating_ips');
  });

  it('drops limits as Nova did at 2.36 and 2.39', () => {
    expect(absoluteLimits({ ...DEFAULT_QUOTAS }, used, v('2.1'))).toMatchObject({
      maxImageMeta: 128,
      maxSecurityGroups: 10,
      maxTotalInstances: 10,
    });
    const at236 = absoluteLimits({ ...DEFAULT_QUOTAS }, used, v('2.36'));
    expect(at236).toHaveProperty('maxImageMeta');
    expect(at236).not.toHaveProperty('maxSecurityGroups');
    expect(absoluteLimits({ ...DEFAULT_QUOTAS }, used, v('2.39'))).not.toHaveProperty('maxImageMeta');
  });

  it('fits as many servers as every quota allows', () => {
    const limits = { ...DEFAULT_QUOTAS, instances: 10, cores: 8, ram: -1 };
    const fit = serversThatFit(limits, { instances: 1, cores: 2, ram: 0 }, { vcpus: 2, memoryMb: 512 }, 1, 5);
    expect(fit).toEqual({ count: 3 });
  });

  it('names the first resource over quota when even the minimum does not fit', () => {
    const limits = { ...DEFAULT_QUOTAS, instances: 2 };
    const fit = serversThatFit(
      limits,
      { instances: 2, cores: 2, ram: 1024 },
      { vcpus: 1, memoryMb: 512 },
      1,
      1,
    );
    expect(fit.over).toEqual({ resource: 'instances', requested: 1, used: 2, allowed: 2 });
  });
});
