// njs for modelgate-body.conf.
//
// A js_content handler runs after nginx has read the whole request body (into one memory buffer,
// given client_body_buffer_size and client_body_in_single_buffer). It does nothing else: the
// named location it jumps to saves $request_body and runs the ordinary auth_request, so the
// allow/deny handling stays plain nginx configuration.
function readBodyThenCheck(r) {
    r.internalRedirect('@modelgate_checked');
}

export default { readBodyThenCheck };
