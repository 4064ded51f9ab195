import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../../api/errorMessage';

/** A failed load in a dialog, said in words (`what` failed: the backend's message), with Retry. */
export function RetryableError(props: {
  what: string;
  error: Error;
  onRetry: () => void;
}) {
  return (
    <Alert
      severity="error"
      action={
        <Button color="inherit" size="small" onClick={props.onRetry}>
          Retry
        </Button>
      }
    >
      {props.what}: {errorMessage(props.error)}
    </Alert>
  );
}
