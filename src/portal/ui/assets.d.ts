// esbuild bundles imported stylesheets into assets/app.css.
declare module "*.css";
