import { Field, Form, FormMessage, type FormState, Layout, type Ui } from "./layout";

export const LoginPage = ({ ui, state }: { ui: Ui; state?: FormState }) => (
  <Layout ui={ui} title={ui.t.signIn} mainClass="narrow">
    <h1>{ui.t.signIn}</h1>
    <p class="muted">{ui.t.signInIntro}</p>
    <Form ui={ui} action="/login" label={ui.t.signIn}>
      <FormMessage ui={ui} state={state} form="login" />
      <Field
        form="login"
        state={state}
        name="key"
        label={ui.t.apiKey}
        type="password"
        required
        autocomplete="off"
        value=""
      />
      <button type="submit">{ui.t.signIn}</button>
    </Form>
  </Layout>
);
