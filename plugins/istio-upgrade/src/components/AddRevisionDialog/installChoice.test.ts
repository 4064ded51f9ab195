import { someRevisionCandidates } from '../../__testUtils__/controlPlaneFixtures';
import { installChoice } from './installChoice';

const [blocked, allowed] = someRevisionCandidates().candidates;

describe('installChoice', () => {
  it("takes an allowed candidate's version and revision", () => {
    expect(installChoice(allowed, '1.11.0')).toEqual({
      version: '1.11.0',
      revision: '1-11-0',
    });
  });

  it('names another patch of the minor as the candidate is named, Sail prefix included', () => {
    expect(installChoice(allowed, ' 1.11.3 ')).toEqual({
      version: '1.11.3',
      revision: '1-11-3',
    });
    expect(
      installChoice({ ...allowed, revision: 'default-v1-11-0' }, '1.11.3'),
    ).toEqual({ version: '1.11.3', revision: 'default-v1-11-3' });
  });

  it('refuses a text that is not a patch of the minor', () => {
    for (const text of ['1.12.0', '1.11', '1.11.x', '1x11.0', '']) {
      expect(installChoice(allowed, text)).toEqual({
        refused: 'Type a version of Istio 1.11, such as 1.11.0',
        badVersion: true,
      });
    }
  });

  it("refuses a blocked candidate's own version with its failing checks, but lets the dry run judge another patch", () => {
    expect(installChoice(blocked, '1.31.0')).toEqual({
      refused: `Istio 1.31.0 cannot be installed: ${blocked.checks[0].message}`,
      badVersion: false,
    });
    expect(installChoice(blocked, '1.31.1')).toEqual({
      version: '1.31.1',
      revision: '1-31-1',
    });
  });
});
