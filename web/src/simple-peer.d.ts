// simple-peer's package entry needs Node globals (`global`, `process`) that Vite does not
// provide; its prebuilt browser bundle does not. Same API, same types.
declare module 'simple-peer/simplepeer.min.js' {
  import SimplePeer = require('simple-peer');
  export default SimplePeer;
}
