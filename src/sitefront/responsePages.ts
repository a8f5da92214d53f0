// The pages App Service's front end answers with when it does not pass a request on. The 403 page
// carries the headline App Service shows ("Error 403 - Forbidden", "The web app you have attempted
// to reach has blocked your access."); wording beyond that is the emulator's own.

function page(title: string, headline: string, detail: string): string {
  const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head>` +
    `<body><h1>${escape(title)}</h1><p>${escape(headline)}</p><p>${escape(detail)}</p>` +
    `<p><small>wpslink App Service front end</small></p></body></html>`
  );
}

export function forbiddenPage(reason: string): string {
  return page(
    "Error 403 - Forbidden",
    "The web app you have attempted to reach has blocked your access.",
    reason,
  );
}

export function stoppedPage(site: string): string {
  return page(
    "Error 403 - This web app is stopped.",
    `The web app ${site} is stopped.`,
    "Start it to serve requests.",
  );
}

export function notFoundPage(host: string): string {
  return page(
    "Error 404 - Web app not found.",
    `The web app ${host} is not found.`,
    "Create the site through the Microsoft.Web ARM API first.",
  );
}

export function noBackendPage(site: string): string {
  return page(
    "Error 503 - No backend",
    `The site ${site} has no backend URL, so there is no app to pass the request to.`,
    "Set the site's wpslink backend URL (properties.siteConfig.appSettings WPSLINK_BACKEND_URL) to where your app listens.",
  );
}

export function badGatewayPage(site: string, detail: string): string {
  return page("Error 502 - Bad Gateway", `The app behind ${site} did not answer.`, detail);
}
