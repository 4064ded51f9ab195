import TextField, { TextFieldProps } from '@material-ui/core/TextField';
import { useId } from 'react';

/** A text field whose label names its input (Material UI links them only through an `id`). */
export function LabelledTextField(props: TextFieldProps) {
  const id = useId();
  return <TextField id={id} {...props} />;
}
