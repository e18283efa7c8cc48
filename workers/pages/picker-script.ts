// The influencer pickers' script (see influencer-picker.tsx), served as its own file like the
// pages' other script: no framework, nothing inline. As one types, it asks the pages' JSON
// endpoint for the matching influencers and puts them in the field's <datalist>; the browser
// shows them as suggestions. A late answer to an earlier keystroke is dropped, never shown over a
// newer one.
export const PICKER_JS = `
for (const input of document.querySelectorAll("input[data-picker]")) {
  const list = document.getElementById(input.getAttribute("list") || "");
  if (!list) continue;
  let timer = 0;
  let asked = null;
  let latest = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      // "@lea.style (instagram)", as an option sets it, is searched as "@lea.style".
      const q = input.value.replace(/\\s*\\([^)]*\\)?\\s*$/, "").trim();
      if (q === asked) return;
      asked = q;
      const url = new URL(input.getAttribute("data-picker"), location.href);
      url.searchParams.set("q", q);
      const campaign = input.getAttribute("data-campaign");
      if (campaign) url.searchParams.set("campaign_id", campaign);
      const mine = ++latest;
      try {
        const res = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!res.ok || mine !== latest) return;
        const { data } = await res.json();
        if (mine !== latest) return;
        list.replaceChildren(
          ...data.map((item) => {
            const option = document.createElement("option");
            option.value = item.value;
            option.textContent = item.label;
            option.setAttribute("data-id", item.id);
            return option;
          }),
        );
        input.setAttribute("data-results", String(data.length));
      } catch (error) {
        input.setAttribute("data-error", String(error));
      }
    }, 120);
  });
}
`;
