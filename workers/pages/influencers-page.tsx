import type { z } from "@hono/zod-openapi";
import type { FC } from "hono/jsx";
import type { influencerSchema } from "../schemas/influencers";
import { StatusBadge } from "./edit-pages";
import { DataTable, Layout, type Ui } from "./layout";
import { ArchiveButton, about, here, ListSearch, type ListView, Pager } from "./list-controls";

// Every influencer, searched and paged like the API's list, each to edit or archive.
export const InfluencersPage: FC<{
  ui: Ui;
  influencers: z.infer<typeof influencerSchema>[];
  view: ListView;
  nextCursor: string | null;
}> = ({ ui, influencers, view, nextCursor }) => {
  const m = ui.t.manage;
  return (
    <Layout ui={ui} title={ui.t.influencers} nav={<a href="/dashboard">{ui.t.campaigns}</a>}>
      <h1>{ui.t.influencers}</h1>
      <ListSearch ui={ui} view={view} label={ui.t.influencers} />
      {influencers.length === 0 && !view.q && !view.archived ? <p class="muted">{m.noInfluencers}</p> : null}
      {influencers.length > 0 ? (
        <DataTable
          columns={[
            { label: ui.t.handle },
            { label: ui.t.platform },
            { label: ui.t.name },
            { label: ui.t.followers, num: true },
            { label: m.status },
          ]}
        >
          {influencers.map((influencer) => {
            const handle = `@${influencer.handle}`;
            const base = `/dashboard/influencers/${influencer.id}`;
            return (
              <tr data-influencer-row={influencer.id}>
                <th scope="row">{handle}</th>
                <td>{influencer.platform}</td>
                <td>{influencer.name ?? ""}</td>
                <td class="num">
                  {influencer.followers === null ? "–" : ui.fmt.integer(influencer.followers)}
                </td>
                <td>
                  <div class="actions">
                    {influencer.archived_at ? <StatusBadge text={m.archived} /> : null}
                    <a href={`${base}/edit`} aria-label={about(ui, m.edit, handle)}>
                      {m.edit}
                    </a>
                    <ArchiveButton
                      ui={ui}
                      action={`${base}/archive`}
                      archived={influencer.archived_at !== null}
                      back={here(ui)}
                      label={handle}
                    />
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      ) : null}
      <Pager
        ui={ui}
        view={view}
        label={ui.t.influencers}
        nextCursor={nextCursor}
        empty={influencers.length === 0}
      />
    </Layout>
  );
};
