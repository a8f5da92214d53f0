// The portal app: the shell and the view the address names.
import type { JSX } from "preact";
import { Shell } from "./components/Shell.js";
import { ResourceList } from "./pages/ResourceList.js";
import { ResourcePage } from "./pages/ResourcePage.js";
import { useRoute } from "./state/router.js";

export function App(): JSX.Element {
  const route = useRoute();
  return (
    <Shell>
      {route.page === "home" ? (
        <ResourceList />
      ) : (
        <ResourcePage key={route.id} id={route.id} blade={route.blade} tab={route.tab} />
      )}
    </Shell>
  );
}
