import { useState } from 'react';
import {
  ProxiedSignInPage,
  SignInPage,
  WarningPanel,
} from '@backstage/core-components';
import { IdentityApi, SignInPageProps } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';

/** The example catalog's people, to try the portal as the service team, the platform team and others. */
export const DEMO_USERS = [
  { name: 'alice', description: 'Alice — platform team (approver)' },
  { name: 'bob', description: 'Bob — platform team (approver)' },
  {
    name: 'carol',
    description:
      'Carol — bookinfo team (owns productpage, details, reviews, ratings)',
  },
  { name: 'dave', description: 'Dave — shop team (owns none of bookinfo)' },
];

const STORAGE_KEY = 'istio-upgrade-demo:user';
// The backend's demo provider accepts the same names only.
const USER_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** `?demoUser=<name>` signs in directly (for the end-to-end tests); otherwise the tab's last choice. */
function requestedDemoUser(): string | undefined {
  const param = new URLSearchParams(window.location.search).get('demoUser');
  if (param && USER_NAME.test(param)) return param;
  const stored = window.sessionStorage.getItem(STORAGE_KEY);
  return stored && USER_NAME.test(stored) ? stored : undefined;
}

// The demo user lives in the browser tab's session storage, so signing out must forget it too,
// or the next page load would sign the same user in again.
function forgettingDemoUserOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      window.sessionStorage.removeItem(STORAGE_KEY);
      await identity.signOut();
    },
  };
}

function DemoUserPicker(props: { onPick: (name: string) => void }) {
  const [name, setName] = useState(DEMO_USERS[0].name);
  return (
    <Box mb={2}>
      <Typography variant="h6" component="h2" gutterBottom>
        Sign in as a demo user
      </Typography>
      <Box display="flex" alignItems="center" gridGap={16} flexWrap="wrap">
        <FormControl variant="outlined" size="small" style={{ minWidth: 360 }}>
          <InputLabel id="demo-user-label">Demo user</InputLabel>
          <Select
            labelId="demo-user-label"
            label="Demo user"
            value={name}
            onChange={e => setName(e.target.value as string)}
          >
            {DEMO_USERS.map(u => (
              <MenuItem key={u.name} value={u.name}>
                {u.description}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Button
          variant="contained"
          color="primary"
          onClick={() => props.onPick(name)}
        >
          Sign in as {name}
        </Button>
      </Box>
      <Typography variant="caption" color="textSecondary" component="p">
        Development only: the backend's demo provider signs in as the catalog
        user named here. Or use the guest below (a platform team member).
      </Typography>
    </Box>
  );
}

/**
 * The demo portal's sign-in page: the guest, or one of the example catalog's users through the
 * development-only `demo` provider (`?demoUser=<name>` signs in directly).
 */
export function DemoSignInPage(props: SignInPageProps) {
  const [demoUser, setDemoUser] = useState(requestedDemoUser);
  if (demoUser) {
    window.sessionStorage.setItem(STORAGE_KEY, demoUser);
    return (
      <ProxiedSignInPage
        {...props}
        provider="demo"
        headers={{ 'x-demo-user': demoUser }}
        onSignInSuccess={identity =>
          props.onSignInSuccess(forgettingDemoUserOnSignOut(identity))
        }
        ErrorComponent={({ error }) => (
          <Box p={4}>
            <WarningPanel
              severity="error"
              title={`Could not sign in as ${demoUser}`}
              // The backend's reason (no such user, provider disabled), not the status line.
              message={
                (error?.cause as Error | undefined)?.message ?? error?.message
              }
              defaultExpanded
            />
            <Box mt={2}>
              <Button
                variant="outlined"
                onClick={() => {
                  window.sessionStorage.removeItem(STORAGE_KEY);
                  window.history.replaceState(
                    null,
                    '',
                    window.location.pathname,
                  );
                  setDemoUser(undefined);
                }}
              >
                Back to sign-in
              </Button>
            </Box>
          </Box>
        )}
      />
    );
  }
  return (
    <SignInPage
      {...props}
      auto
      providers={['guest']}
      titleComponent={<DemoUserPicker onPick={setDemoUser} />}
    />
  );
}
