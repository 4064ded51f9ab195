import { TestApiProvider } from '@backstage/test-utils';
import { act, render, screen, waitFor } from '@testing-library/react';
import { aFleet } from '../__testUtils__/fleetFixtures';
import { mockIstioUpgradeApi } from '../__testUtils__/mockIstioUpgradeApi';
import { IstioUpgradeApi, istioUpgradeApiRef } from '../api/IstioUpgradeApi';
import { useFleet } from './useFleet';

function Probe(props: {
  api: IstioUpgradeApi;
  onRender: () => void;
  retryRef?: { current?: () => void };
}) {
  const fleet = useFleet();
  props.onRender();
  if (props.retryRef) props.retryRef.current = fleet.retry;
  let text = 'loading';
  if (fleet.value) text = `${fleet.value.clusters.length} clusters`;
  else if (fleet.error) text = `error: ${fleet.error.message}`;
  return <span>{text}</span>;
}

function renderProbe(
  api: IstioUpgradeApi,
  onRender: () => void,
  retryRef?: { current?: () => void },
) {
  return render(
    <TestApiProvider apis={[[istioUpgradeApiRef, api]]}>
      <Probe api={api} onRender={onRender} retryRef={retryRef} />
    </TestApiProvider>,
  );
}

describe('useFleet', () => {
  it('asks for the fleet during the first render, before any effect, and only once', async () => {
    const api = mockIstioUpgradeApi();
    const callsAtRender: number[] = [];
    renderProbe(api, () =>
      callsAtRender.push((api.getFleet as jest.Mock).mock.calls.length),
    );
    expect(callsAtRender[0]).toBe(1);
    expect(
      await screen.findByText(`${aFleet().clusters.length} clusters`),
    ).toBeInTheDocument();
    expect(api.getFleet).toHaveBeenCalledTimes(1);
  });

  it('asks again on retry, and shows a failure of the first request', async () => {
    let calls = 0;
    const api = mockIstioUpgradeApi({
      getFleet: async () => {
        calls++;
        if (calls === 1) throw new Error('backend down');
        return aFleet();
      },
    });
    const retryRef: { current?: () => void } = {};
    renderProbe(api, () => undefined, retryRef);
    expect(await screen.findByText('error: backend down')).toBeInTheDocument();
    act(() => retryRef.current!());
    await waitFor(() =>
      expect(
        screen.getByText(`${aFleet().clusters.length} clusters`),
      ).toBeInTheDocument(),
    );
    expect(api.getFleet).toHaveBeenCalledTimes(2);
  });

  it('gives each mount of the page its own request', async () => {
    const api = mockIstioUpgradeApi();
    const first = renderProbe(api, () => undefined);
    await screen.findByText(`${aFleet().clusters.length} clusters`);
    first.unmount();
    renderProbe(api, () => undefined);
    await screen.findByText(`${aFleet().clusters.length} clusters`);
    expect(api.getFleet).toHaveBeenCalledTimes(2);
  });
});
