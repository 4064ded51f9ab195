import { SignalApi } from '@backstage/plugin-signals-react';

/** A message on a signal channel (a JSON object). */
type SignalMessage = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/** A Backstage signals API on which a test pushes the messages the backend would send. */
export function mockSignalApi() {
  const subscriptions: Array<{
    channel: string;
    deliver: (message: SignalMessage) => void;
    active: boolean;
  }> = [];
  const signalApi: SignalApi = {
    subscribe<TMessage extends SignalMessage>(
      channel: string,
      onMessage: (message: TMessage) => void,
    ) {
      const subscription = {
        channel,
        deliver: (message: SignalMessage) => onMessage(message as TMessage),
        active: true,
      };
      subscriptions.push(subscription);
      return {
        unsubscribe: () => {
          subscription.active = false;
        },
      };
    },
  };
  return {
    signalApi,
    /** The channels subscribed to now. */
    channels: () => subscriptions.filter(s => s.active).map(s => s.channel),
    /** Sends a message to the current subscribers of a channel. */
    push(channel: string, message: SignalMessage) {
      subscriptions
        .filter(s => s.active && s.channel === channel)
        .forEach(s => s.deliver(message));
    },
  };
}
