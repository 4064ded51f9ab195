import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';

/**
 * Links to a wave's requests. Each opens the request view of the fleet page (`?request=<id>`, the
 * link notifications carry), keeping the tab and campaign shown.
 */
export function RequestLinks(props: { requestIds: ReadonlyArray<string> }) {
  const [params] = useSearchParams();
  if (props.requestIds.length === 0) return null;
  return (
    <Typography variant="body2" component="span">
      Requests:{' '}
      {props.requestIds.map((id, i) => {
        const next = new URLSearchParams(params);
        next.set('request', id);
        return (
          <span key={id}>
            {i > 0 ? ', ' : ''}
            <Link to={`?${next.toString()}`} aria-label={`Request ${id}`}>
              {id}
            </Link>
          </span>
        );
      })}
    </Typography>
  );
}
