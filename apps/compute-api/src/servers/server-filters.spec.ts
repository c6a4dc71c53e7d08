import { DomainError } from '@stratus/platform';
import { Microversion } from '../common/microversion';
import { FilterableServer, filterServers, parseServerFilter } from './server-filters';

const v = (text: string) => Microversion.parse(text)!;
const member = { isAdmin: false, projectId: 'p1' };
const admin = { isAdmin: true, projectId: 'admin-project' };

let sequence = 0;
function server(overrides: Partial<FilterableServer> = {}): FilterableServer {
  sequence++;
  return {
    uuid: `00000000-0000-0000-0000-${String(sequence).padStart(12, '0')}`,
    displayName: `server-${sequence}`,
    projectId: 'p1',
    userId: 'u1',
    imageRef: 'image-1',
    flavor: { id: '1' },
    vmState: 'active',
    taskState: null,
    host: 'host-a',
    reservationId: 'r-1',
    tags: [],
    deleted: false,
    createdAt: new Date(Date.UTC(2024, 0, 1, 0, sequence)),
    updatedAt: new Date(Date.UTC(2024, 0, 1, 0, sequence)),
    launchedAt: null,
    vifs: [],
    ...overrides,
  };
}

describe('server list filters', () => {
  it('keeps everyone, admins included, to their own project without all_tenants', () => {
    const mine = server();
    const theirs = server({ projectId: 'p2' });
    expect(filterServers([mine, theirs], parseServerFilter({}, member, v('2.1')))).toEqual([mine]);
    expect(filterServers([mine, theirs], parseServerFilter({}, admin, v('2.1')))).toEqual([]);
    const all = filterServers([mine, theirs], parseServerFilter({ all_tenants: '1' }, admin, v('2.1')));
    expect(all).toHaveLength(2);
    const one = parseServerFilter({ all_tenants: 'True', project_id: 'p2' }, admin, v('2.1'));
    expect(filterServers([mine, theirs], one)).toEqual([theirs]);
  });

  it('refuses all_tenants to non-admins', () => {
    expect(() => parseServerFilter({ all_tenants: '1' }, member, v('2.1'))).toThrow(DomainError);
  });

  it('matches names as a case-insensitive regular expression', () => {
    const web = server({ displayName: 'Web-01' });
    const db = server({ displayName: 'db-01' });
    expect(filterServers([web, db], parseServerFilter({ name: '^web' }, member, v('2.1')))).toEqual([web]);
    expect(filterServers([web, db], parseServerFilter({ name: '(' }, member, v('2.1')))).toEqual([]);
  });

  it('filters on status, image and flavor references', () => {
    const running = server({ imageRef: 'img-a', flavor: { id: '2' } });
    const stopped = server({ vmState: 'stopped' });
    expect(
      filterServers([running, stopped], parseServerFilter({ status: 'SHUTOFF' }, member, v('2.1'))),
    ).toEqual([stopped]);
    const byImage = parseServerFilter({ image: 'http://x/images/img-a' }, member, v('2.1'));
    expect(filterServers([running, stopped], byImage)).toEqual([running]);
    expect(filterServers([running, stopped], parseServerFilter({ flavor: '2' }, member, v('2.1')))).toEqual([
      running,
    ]);
  });

  it('rejects unknown statuses from 2.38 only', () => {
    expect(() => parseServerFilter({ status: 'RUNNING' }, member, v('2.38'))).toThrow(DomainError);
    expect(parseServerFilter({ status: 'RUNNING' }, member, v('2.37')).statuses).toEqual(['RUNNING']);
  });

  it('shows deleted servers changed since a time, and only then', () => {
    const old = server({ updatedAt: new Date('2020-01-01T00:00:00Z') });
    const gone = server({ deleted: true, updatedAt: new Date('2030-01-01T00:00:00Z') });
    expect(filterServers([old, gone], parseServerFilter({}, member, v('2.1')))).toEqual([old]);
    const since = parseServerFilter({ 'changes-since': '2025-01-01T00:00:00Z' }, member, v('2.1'));
    expect(filterServers([old, gone], since)).toEqual([gone]);
    expect(() => parseServerFilter({ 'changes-since': 'yesterday' }, member, v('2.1'))).toThrow(DomainError);
  });

  it('lets only admins filter on host', () => {
    const a = server({ host: 'host-a' });
    const b = server({ host: 'host-b' });
    expect(filterServers([a, b], parseServerFilter({ host: 'host-b' }, member, v('2.1')))).toHaveLength(2);
    const asAdmin = parseServerFilter({ host: 'host-b', all_tenants: '1' }, admin, v('2.1'));
    expect(filterServers([a, b], asAdmin)).toEqual([b]);
  });

  it('filters on tags from 2.26', () => {
    const red = server({ tags: ['red', 'big'] });
    const blue = server({ tags: ['blue'] });
    const at = v('2.26');
    expect(filterServers([red, blue], parseServerFilter({ tags: 'red,big' }, member, at))).toEqual([red]);
    expect(filterServers([red, blue], parseServerFilter({ 'tags-any': 'blue,green' }, member, at))).toEqual([
      blue,
    ]);
    expect(filterServers([red, blue], parseServerFilter({ 'not-tags-any': 'red' }, member, at))).toEqual([
      blue,
    ]);
    expect(filterServers([red, blue], parseServerFilter({ tags: 'red' }, member, v('2.25')))).toHaveLength(2);
  });

  it('filters on IPv4 addresses as a pattern', () => {
    const a = server({ vifs: [{ fixedIps: [{ address: '10.0.0.5', version: 4 }] }] });
    const b = server({ vifs: [{ fixedIps: [{ address: '10.0.1.7', version: 4 }] }] });
    expect(filterServers([a, b], parseServerFilter({ ip: '10.0.0.' }, member, v('2.1')))).toEqual([a]);
  });

  it('sorts newest first by default and by the requested key otherwise', () => {
    const first = server({ displayName: 'b' });
    const second = server({ displayName: 'a' });
    expect(filterServers([first, second], parseServerFilter({}, member, v('2.1')))).toEqual([second, first]);
    const byName = parseServerFilter({ sort_key: 'display_name', sort_dir: 'asc' }, member, v('2.1'));
    expect(filterServers([first, second], byName)).toEqual([second, first]);
    expect(() => parseServerFilter({ sort_key: 'host' }, member, v('2.1'))).toThrow(DomainError);
    expect(() => parseServerFilter({ sort_key: 'nope' }, member, v('2.1'))).toThrow(DomainError);
  });
});
