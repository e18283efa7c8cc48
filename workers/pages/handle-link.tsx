import type { Ui } from "./layout";

export const influencerPath = (id: string) => `/dashboard/influencers/${id}`;

// An influencer's handle, linked to their page for the dashboard's admin; plain text for anyone
// else (the portal, a shared report), who cannot open that page.
export const HandleLink = ({ ui, id, handle }: { ui: Ui; id: string; handle: string }) =>
  ui.session?.scope === "admin" ? (
    <a href={influencerPath(id)} data-handle-link={id}>
      @{handle}
    </a>
  ) : (
    <>@{handle}</>
  );
