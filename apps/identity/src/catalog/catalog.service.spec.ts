import { substituteUrl } from './catalog.service';

describe('endpoint URLs in a token catalog', () => {
  const values = { project_id: 'p1', tenant_id: 'p1', user_id: 'u1' };

  it("fills Keystone's placeholders with the token's values", () => {
    expect(substituteUrl('http://h:8776/v3/%(project_id)s', values)).toBe('http://h:8776/v3/p1');
    expect(substituteUrl('http://h:8080/v1/AUTH_$(tenant_id)s', values)).toBe('http://h:8080/v1/AUTH_p1');
    expect(substituteUrl('http://h:8774/v2.1', values)).toBe('http://h:8774/v2.1');
  });

  it('leaves out an endpoint that needs a value the token does not have', () => {
    expect(substituteUrl('http://h:8776/v3/%(project_id)s', { user_id: 'u1' })).toBeUndefined();
  });
});
