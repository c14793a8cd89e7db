// Route templates: the host's matching rules for literals, optional and catch-all parameters.
import { describe, expect, it } from 'vitest';
import { compileRoute } from '../../../src/local/route-template';

describe('route templates', () => {
  const trigger = compileRoute('api', 'Trigger/{partition?}');
  it('matches literals without regard to case, and optional parameters', () => {
    expect(trigger.match('/api/Trigger')).toEqual({});
    expect(trigger.match('/API/trigger/')).toEqual({});
    expect(trigger.match('/api/Trigger/infra')).toEqual({ partition: 'infra' });
    expect(trigger.match('/api/Trigger/a%20b')).toEqual({ partition: 'a b' });
    expect(trigger.match('/api/Trigger/a/b')).toBeNull();
    expect(trigger.match('/Trigger')).toBeNull();
  });
  it('handles constraints and catch-all parameters', () => {
    expect(compileRoute('api', 'x/{n:int}').match('/api/x/5')).toEqual({ n: '5' });
    expect(compileRoute('', 'files/{*rest}').match('/files/a/b/c')).toEqual({ rest: 'a/b/c' });
    expect(compileRoute('api', 'health').match('/api/health/extra')).toBeNull();
  });
});
